import { applyDecorators, UseFilters } from '@nestjs/common';
// The constants entry only: the CLI app imports @app/common without loading Fastify.
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { ERROR_BODY_ROUTE_CONFIG, PingFederateExceptionFilter } from './oauth-exception.filter';

/**
 * Method decorator: every error of this route is `{"resultId","message"}`, those thrown by its
 * guards and handler (the filter) and those Fastify raises before the route runs (the Fastify
 * route config, read by the global filter). Route config is per handler, hence per method; it
 * is merged with what other decorators put there, never replaced.
 */
export const PingFederateErrors = (): MethodDecorator =>
  applyDecorators(markErrorBody, UseFilters(PingFederateExceptionFilter)) as MethodDecorator;

function markErrorBody(_target: object, _key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor {
  const handler = descriptor.value as object;
  const config = (Reflect.getOwnMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [ERROR_BODY_ROUTE_CONFIG]: 'pingfederate' }, handler);
  return descriptor;
}
