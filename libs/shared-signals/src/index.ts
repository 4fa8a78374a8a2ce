export * from './ssf.constants';
export * from './ssf.module';
export * from './ssf-core.module';
export * from './events/security-events';
export * from './events/ssf-event-queue.service';
export * from './maintenance/stream-maintenance.worker';
export * from './streams/stream-config';
export * from './subjects/subject-identifiers';
