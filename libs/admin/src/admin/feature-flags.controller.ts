import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { ValidBody } from '../validation/valid-body.pipe';
import { AdminApi, ApiInvalidRequest, ApiNotFound } from './admin-api.decorators';
import { FeatureFlagViewDto, SetFeatureFlagDto } from './dto/feature-flag.dto';
import { FeatureFlagAdminService } from './feature-flag-admin.service';

const flagName = ApiParam({ name: 'name', example: 'GLOBAL_TOKEN_REVOCATION' });

@Controller('admin/feature-flags')
@Audited()
@AdminApi()
export class FeatureFlagsController {
  constructor(private readonly flags: FeatureFlagAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List the feature flags with their values in effect' })
  @ApiOkResponse({ type: [FeatureFlagViewDto] })
  list(): FeatureFlagViewDto[] {
    return this.flags.list();
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get a feature flag' })
  @flagName
  @ApiOkResponse({ type: FeatureFlagViewDto })
  @ApiNotFound('feature flag')
  get(@Param('name') name: string): FeatureFlagViewDto {
    return this.flags.get(name);
  }

  @Put(':name')
  @ApiOperation({ summary: 'Turn a feature flag on or off', description: 'Effective at once on this instance, and within a second on every instance sharing the store.' })
  @flagName
  @ApiBody({ type: SetFeatureFlagDto })
  @ApiOkResponse({ type: FeatureFlagViewDto })
  @ApiInvalidRequest()
  @ApiNotFound('feature flag')
  set(@Param('name') name: string, @Body(new ValidBody(SetFeatureFlagDto)) body: SetFeatureFlagDto): Promise<FeatureFlagViewDto> {
    return this.flags.set(name, body.enabled);
  }
}
