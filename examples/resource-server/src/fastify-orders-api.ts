import Fastify, { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerPreHandler, TokenVerifier, VerifiedToken } from '../../../libs/resource-server/src';
import { itemOf, OrdersService } from './orders.service';

/**
 * The same API on plain Fastify, with the kit's `preHandler` hook instead of the Nest module.
 * Unlike the Nest guard, the hook protects only the routes it is put on: `health` has none.
 */
export function createFastifyOrdersApi(verifier: TokenVerifier, orders = new OrdersService()): FastifyInstance {
  const app = Fastify({ logger: false });
  const realm = 'orders';

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/me', { preHandler: bearerPreHandler(verifier, { realm }) }, async (request) => {
    const { payload, scopes } = tokenOf(request);
    return { sub: payload.sub, client_id: payload.client_id, scopes };
  });
  app.get('/orders', { preHandler: bearerPreHandler(verifier, { realm, scopes: ['orders:read'] }) }, async (request) =>
    orders.of(tokenOf(request).payload.sub as string));
  app.post('/orders', { preHandler: bearerPreHandler(verifier, { realm, scopes: ['orders:write'] }) }, async (request, reply) => {
    const item = itemOf(request.body);
    if (!item) return reply.code(400).send({ error: 'invalid_request', error_description: 'item must be 1 to 100 printable characters.' });
    return reply.code(201).send(orders.place(tokenOf(request).payload.sub as string, item));
  });
  return app;
}

/**
 * The token the hook put on the request. An application of its own would declare
 * `interface FastifyRequest { accessToken?: VerifiedToken }` in `declare module 'fastify'`;
 * the example reads it through a cast so as not to change FastifyRequest for the whole repository.
 */
function tokenOf(request: FastifyRequest): VerifiedToken {
  return (request as FastifyRequest & { accessToken: VerifiedToken }).accessToken;
}
