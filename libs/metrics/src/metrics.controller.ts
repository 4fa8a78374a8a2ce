import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CustomAuth } from '@app/auth';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsService } from './metrics.service';

@ApiTags('Health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @CustomAuth(MetricsTokenGuard)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Prometheus metrics', description: 'Requests and latency per route and status, revocations by kind, the revocation list size, cache lookups, the notification outbox, store errors. Requires `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set.' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the request does not carry it.' })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { body, contentType } = await this.metrics.scrape();
    reply.header('Content-Type', contentType).header('Cache-Control', 'no-store').send(body);
  }
}
