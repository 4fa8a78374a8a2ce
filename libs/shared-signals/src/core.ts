// The headless entry: what a host without HTTP (the admin CLI) needs so its session endings reach the streams.
export * from './ssf-core.module';
export * from './admin/stream-admin.service';
