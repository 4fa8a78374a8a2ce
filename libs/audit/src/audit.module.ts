import { DynamicModule, Module, Type } from '@nestjs/common';
import { AUDIT_SINKS, AuditSink } from './audit-record';
import { AuditRecorder } from './audit-recorder.service';
import { FileAuditSink } from './file-audit.sink';

export interface AuditModuleOptions {
  /** More sinks (a SIEM forwarder…), each given every record after the runtime-api.log file. */
  sinks?: Type<AuditSink>[];
}

/**
 * The runtime-api audit log (docs/audit-log.md): one line per call of a runtime API, whatever
 * its outcome, to runtime-api.log and to any sink a host adds.
 */
@Module({})
export class AuditModule {
  static forRoot(options: AuditModuleOptions = {}): DynamicModule {
    const extra = options.sinks ?? [];
    return {
      module: AuditModule,
      providers: [
        FileAuditSink,
        ...extra,
        { provide: AUDIT_SINKS, useFactory: (...sinks: AuditSink[]) => sinks, inject: [FileAuditSink, ...extra] },
        AuditRecorder,
      ],
      exports: [AUDIT_SINKS],
    };
  }
}
