export * from './session-mgmt.module';
export * from './session-mgmt.errors';
export * from './revoked-sris/revocation-list.service';
export * from './revoked-sris/revocation-list-purger.service';
export * from './sessions/session-mgmt.service';
export * from './session-mgmt.options';
