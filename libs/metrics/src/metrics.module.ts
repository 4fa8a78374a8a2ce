import { DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { METRICS_OPTIONS, MetricsOptions } from './metrics.options';
import { MetricsService } from './metrics.service';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * Prometheus metrics at GET /metrics (docs/operations.md#metrics). Disabled, it registers
 * neither the route nor the request hook. Needs the store, AuthModule and SessionsCoreModule.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsOptions = {}): DynamicModule {
    if (options.enabled === false) return { module: MetricsModule };
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_OPTIONS, useValue: options }, MetricsService, MetricsTokenGuard],
      exports: [MetricsService],
    };
  }
}
