import { DynamicModule, Module } from '@nestjs/common';
import { HttpTracing } from './http-tracing.service';

/**
 * Request spans (OpenTelemetry). Off, it adds nothing to the request path; the store and
 * delivery spans of the libraries are then the API's no-ops.
 */
@Module({})
export class TracingModule {
  static forRoot(options: { enabled: boolean }): DynamicModule {
    return { module: TracingModule, providers: options.enabled ? [HttpTracing] : [] };
  }
}
