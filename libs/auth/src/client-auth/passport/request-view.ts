/**
 * The request as another library sees it: it reads the request's own fields (headers, body, ip,
 * socket; getters run on the request itself), except those in `own`, and what it adds stays on
 * the view (passport sets `logIn`, `isAuthenticated`… on every request it authenticates).
 *
 * Not `Object.create(req)`: a request made a prototype changes its hidden class, and the
 * optimized code of every hook, guard and reply step that then reads it is thrown away (V8
 * "wrong map" deoptimizations), so the requests after each secret check ran in the interpreter
 * until V8 optimized them again.
 */
export function requestView<T extends object>(req: T, own: Record<PropertyKey, unknown> = {}): T {
  return new Proxy(req, {
    get: (target, key) => (Object.hasOwn(own, key) ? own[key] : Reflect.get(target, key, target)),
    has: (target, key) => Object.hasOwn(own, key) || key in target,
    set: (_target, key, value) => {
      own[key] = value;
      return true;
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(own, key, { ...descriptor, configurable: true }),
    deleteProperty: (_target, key) => delete own[key],
  });
}
