import { DynamicModule, Module, Type } from '@nestjs/common';
import { AUDIT_SINKS, AuditSink } from './audit-record';
import { AuditRecorder } from './audit-recorder.service';
import { AuditInterceptor } from './audit.interceptor';
import { FileAuditSink } from './file-audit.sink';

export interface AuditModuleOptions {
  /** More sinks (a SIEM forwarder…), each given every record after the runtime-api.log file. */
  sinks?: Type<AuditSink>[];
}

/**
 * The runtime-api audit log (docs/audit-log.md): one line per call of a runtime API, whatever
 * its outcome, to runtime-api.log and to any sink a host adds. AuditInterceptor writes the lines
 * of requests that reach a handler of the routes it is put on (the admin API, a host's own
 * controllers); AuditRecorder's response hook writes all the others. Not a global interceptor:
 * any interceptor on a route roughly doubles the work Nest does per request (docs/audit-log.md).
 *
 * Global, so that a host's own controller can name AuditInterceptor in `@UseInterceptors()`
 * without importing this module again.
 */
@Module({})
export class AuditModule {
  static forRoot(options: AuditModuleOptions = {}): DynamicModule {
    const extra = options.sinks ?? [];
    return {
      module: AuditModule,
      global: true,
      providers: [
        FileAuditSink,
        ...extra,
        { provide: AUDIT_SINKS, useFactory: (...sinks: AuditSink[]) => sinks, inject: [FileAuditSink, ...extra] },
        AuditRecorder,
        AuditInterceptor,
      ],
      exports: [AUDIT_SINKS, AuditRecorder, AuditInterceptor],
    };
  }
}
