export * from './audit-line';
export * from './audit-record';
export * from './audit-recorder.service';
export * from './audit.interceptor';
export * from './audit.module';
export * from './audited.decorator';
export * from './file-audit.sink';
