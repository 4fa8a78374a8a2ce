// The constants entry only: the CLI app imports @app/common without loading Fastify.
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { ERROR_BODY_ROUTE_CONFIG } from './error-body';

/**
 * Method decorator: every error of this route is `{"resultId","message"}`, those thrown by its
 * guards and handler and those Fastify raises before the handler runs; the global
 * OAuthExceptionFilter reads it from the Fastify route config. Route config is per handler,
 * hence per method; it is merged with what other decorators put there, never replaced.
 */
export const PingFederateErrors = (): MethodDecorator => markErrorBody;

function markErrorBody(_target: object, _key: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor {
  const handler = descriptor.value as object;
  const config = (Reflect.getOwnMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [ERROR_BODY_ROUTE_CONFIG]: 'pingfederate' }, handler);
  return descriptor;
}
