import { applyDecorators, UseFilters } from '@nestjs/common';
// The decorators entry only: the CLI app imports @app/common without loading Fastify.
import { RouteConfig } from '@nestjs/platform-fastify/decorators';
import { ERROR_BODY_ROUTE_CONFIG, PingFederateExceptionFilter } from './oauth-exception.filter';

/**
 * Method decorator: every error of this route is `{"resultId","message"}`, those thrown by its
 * guards and handler (the filter) and those Fastify raises before the route runs (the route
 * config, read by the global filter). Fastify route config is per handler, hence per method.
 */
export const PingFederateErrors = () =>
  applyDecorators(RouteConfig({ [ERROR_BODY_ROUTE_CONFIG]: 'pingfederate' }), UseFilters(PingFederateExceptionFilter));
