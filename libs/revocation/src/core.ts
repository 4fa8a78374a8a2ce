// The headless entry of @app/revocation: what a host without HTTP (the admin CLI) needs, with
// none of the endpoint's controllers, guards or OpenAPI decorators loaded.
export * from './global-revocation-events';
export * from './global-revocation.service';
export * from './revocation-core.module';
export { ALL_SUB_ID_FORMATS } from './revocation.options';
