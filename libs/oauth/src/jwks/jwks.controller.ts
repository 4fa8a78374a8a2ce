import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, SigningKeyService } from '@app/auth';

@ApiTags('OAuth')
@Public()
@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get('jwks')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public keys that verify this server\'s tokens (JWKS)' })
  @ApiOkResponse({ description: '{"keys":[…]}' })
  jwks() {
    return this.keys.jwks();
  }
}
