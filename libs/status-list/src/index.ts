export * from './status-list.module';
export * from './status-list.constants';
export * from './allocation/status-list-issuance.service';
export * from './state/status-list-tracker.service';
