import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { SigningKeyRotation, SigningKeyService } from '@app/auth';
import { AdminApi, ApiConflict } from './admin-api.decorators';
import { SigningKeyViewDto, toSigningKeyView } from './dto/signing-key.dto';

@Controller('admin/keys')
@Audited()
@AdminApi()
export class SigningKeysController {
  constructor(private readonly rotation: SigningKeyRotation, private readonly keys: SigningKeyService) {}

  @Get()
  @ApiOperation({ summary: 'List the signing keys', description: 'Every key /jwks publishes: the active ES256 and RS256 keys, and retired ones until the tokens they signed have expired.' })
  @ApiOkResponse({ type: [SigningKeyViewDto] })
  async list(): Promise<SigningKeyViewDto[]> {
    return (await this.rotation.list()).map(toSigningKeyView);
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing keys',
    description: 'A new active key per algorithm signs from now on (on this instance at once, on the others within SIGNING_KEY_RELOAD_INTERVAL); '
      + 'the keys it replaces stay in /jwks until every token they signed has expired. Answers the keys after the rotation.',
  })
  @ApiOkResponse({ type: [SigningKeyViewDto] })
  @ApiConflict('the keys come from SIGNING_KEY_FILE, which only a change of the file rotates')
  async rotate(): Promise<SigningKeyViewDto[]> {
    const keys = await this.rotation.rotate();
    await this.keys.reload();
    return keys.map(toSigningKeyView);
  }
}
