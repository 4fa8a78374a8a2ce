const SERIALIZED = new WeakMap<object, string>();

/**
 * Marks a reply body that never changes (a constant answer, or one remembered per verified
 * token): it is serialized here, once, and `replySerializer` answers it from memory. On the hot
 * paths this is worth it: JSON.stringify of an introspection answer takes about a microsecond,
 * and answering it from memory took 11% off an introspection's instructions (bench:instructions).
 * The body is frozen, so what was serialized stays true.
 */
export function fixedBody<T extends object>(body: T): Readonly<T> {
  SERIALIZED.set(body, JSON.stringify(body));
  return Object.freeze(body);
}

/** Fastify's reply serializer (setReplySerializer): fixed bodies from memory, anything else as JSON.stringify writes it. */
export function replySerializer(payload: unknown): string {
  return (typeof payload === 'object' && payload !== null && SERIALIZED.get(payload)) || JSON.stringify(payload);
}
