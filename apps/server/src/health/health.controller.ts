import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public, RevocationIndex } from '@app/auth';
import { buildInfo } from '@app/common';

const STORE_PING = { timeout: 1500 };

/**
 * Three probes: `/health/live` (the process answers; restart it when it does not), `/health/ready`
 * (send it traffic: the store answers and the revocation index is current, so revocation checks
 * are answered from memory, not from a store that may be down), and `/health` (the store only, as
 * before both existed).
 */
@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly index: RevocationIndex,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Store state', description: '200 when the store answers a query, 503 otherwise.' })
  @ApiOkResponse({ description: 'The server and its store are up.' })
  @ApiServiceUnavailableResponse({ description: 'The store cannot be reached.' })
  check() {
    return this.health.check([() => this.db.pingCheck('store', STORE_PING)]);
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness', description: 'Always 200 while the process serves requests; checks nothing else, so a store outage does not restart every instance.' })
  @ApiOkResponse({ description: 'The process is up, with the version it runs.' })
  live() {
    const { version, commit } = buildInfo();
    return { status: 'ok', version, commit };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness', description: '200 when the store answers and the revocation index has read the revocation feed to its end within the last 2 s; 503 otherwise (starting, store down, feed unreadable), with the same body naming each check and its state.' })
  @ApiOkResponse({ description: 'Ready for traffic.' })
  @ApiServiceUnavailableResponse({ description: 'Not ready: `details` names the failing check.' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.db.pingCheck('store', STORE_PING),
        () => {
          const check = this.indicators.check('revocation_index');
          return this.index.isFresh() ? check.up() : check.down({ message: 'the revocation feed has not been read to its end recently' });
        },
      ]);
    } catch (err) {
      // Terminus's own body (status, info, error, details), which probes and dashboards read, not the API's error body.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      reply.status(503);
      return err.getResponse() as HealthCheckResult;
    }
  }
}
