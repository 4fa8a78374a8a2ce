// The entry @app/auth imports: nothing here imports @app/auth, which the barrel does (NotificationSender), so no library cycle.
export * from './session-tracking.module';
export * from './tracking/session-activity.service';
export * from './tracking/sri-codec.service';
