import request from 'supertest';
import { decodeJwt } from 'jose';
import { decodeStatusList, statusAt } from '../../libs/resource-server/src/status-list';
import { TestApp } from './test-app';

/** The `status.status_list` claim of a JWT this server issued. */
export function statusRef(jwt: string): { idx: number; uri: string } {
  const claim = (decodeJwt(jwt).status as { status_list?: { idx: number; uri: string } } | undefined)?.status_list;
  if (!claim) throw new Error('the token carries no status.status_list claim');
  return claim;
}

/** GET of a status list's path, the body kept as text whatever its media type. */
export function fetchList(t: TestApp, path: string) {
  return request(t.server).get(path).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
  });
}

/** The status the list `t` serves gives the token (decoded with the resource-server kit's decoder). */
export async function servedStatus(t: TestApp, jwt: string): Promise<number> {
  const { idx, uri } = statusRef(jwt);
  const res = await fetchList(t, new URL(uri).pathname);
  if (res.status !== 200) throw new Error(`GET ${uri} answered ${res.status}`);
  const list = decodeJwt(res.body as string).status_list as { bits: unknown; lst: unknown };
  return statusAt(decodeStatusList(list), idx);
}

/** Polls the served list until the token's status is `expected`, for at most `ms` (a rebuild is due every 200 ms). */
export async function expectStatusSoon(t: TestApp, jwt: string, expected: number, ms = 3000): Promise<void> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      last = await servedStatus(t, jwt);
      if (last === expected) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() - started > ms) throw new Error(`status ${expected} not served within ${ms} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
