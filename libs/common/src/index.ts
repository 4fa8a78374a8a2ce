export * from './config/app.config';
export * from './config/config.module';
export * from './config/validate-config';
export * from './errors/api-error';
export * from './errors/error-codes';
export * from './errors/normalize-error';
export * from './errors/oauth-exception.filter';
export * from './logging/app-logger';
