import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@app/auth';

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthCheckService, private readonly db: TypeOrmHealthIndicator) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and store state', description: '200 when the store answers a query, 503 otherwise.' })
  @ApiOkResponse({ description: 'The server and its store are up.' })
  @ApiServiceUnavailableResponse({ description: 'The store cannot be reached.' })
  check() {
    return this.health.check([() => this.db.pingCheck('store', { timeout: 1500 })]);
  }
}
