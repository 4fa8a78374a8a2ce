import { METHOD_METADATA } from '@nestjs/common/constants';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';

/** Key in the Fastify route config that marks an audited route. */
export const AUDITED_ROUTE_CONFIG = 'audited';

/**
 * Marks a runtime-API route (or every route of a controller) for the runtime-api.log.
 *
 * The mark travels in the Fastify route config (what `@RouteConfig()` sets), not in Nest
 * metadata only: the onResponse hook that writes the line then knows the route is audited for
 * every outcome, including guard rejections and body-parser errors, where no Nest interceptor
 * runs. Existing route config is kept. On a class it marks the route methods the class itself
 * declares; routes inherited from a base class need their own mark (or AUDIT_PATHS).
 */
export function Audited(): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor) {
      markRoute(descriptor.value);
      return;
    }
    const proto = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (name !== 'constructor' && typeof method === 'function' && Reflect.hasOwnMetadata(METHOD_METADATA, method)) markRoute(method);
    }
  };
}

function markRoute(handler: object): void {
  const config = (Reflect.getOwnMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [AUDITED_ROUTE_CONFIG]: true }, handler);
}
