import { gunzipSync } from 'node:zlib';
import { decodeProtectedHeader, generateKeyPair, jwtVerify } from 'jose';
import type { SigningKeyService } from '@app/auth';
import { decodeStatusList, statusAt, StatusType } from '../../../resource-server/src/status-list';
import { ListState } from '../state/list-state';
import { StatusListPublisher } from './status-list-publisher.service';

const ISSUER = 'https://as.example.com';

describe('StatusListPublisher (the list builder)', () => {
  let publisher: StatusListPublisher;
  let publicKey: Awaited<ReturnType<typeof generateKeyPair>>['publicKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    publicKey = pair.publicKey;
    const keys = { current: () => ({ alg: 'ES256', kid: 'k1', privateKey: pair.privateKey }) } as unknown as SigningKeyService;
    publisher = new StatusListPublisher({ issuer: ISSUER } as never, { ttl: 60, capacity: 64, blockSize: 8 }, keys);
  });

  it('signs a Status List Token whose list decodes, with the kit, to the statuses set', async () => {
    const list = new ListState(7, 64);
    list.set(3, StatusType.INVALID);
    list.set(40, StatusType.SUSPENDED);
    list.set(63, StatusType.INVALID);
    const now = Date.UTC(2026, 0, 1);
    await publisher.publish(list, now);
    const served = publisher.get(7)!;
    const jwt = served.jwt.toString('utf8');
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'k1', typ: 'statuslist+jwt' });
    const { payload } = await jwtVerify(jwt, publicKey, { typ: 'statuslist+jwt', currentDate: new Date(now) });
    expect(payload).toMatchObject({ iss: ISSUER, sub: `${ISSUER}/statuslists/7`, iat: now / 1000, exp: now / 1000 + 180, ttl: 60 });
    const decoded = decodeStatusList(payload.status_list as { bits: unknown; lst: unknown });
    expect(decoded.bits).toBe(2);
    expect(decoded.size).toBe(64);
    const statuses = Array.from({ length: 64 }, (_, i) => statusAt(decoded, i));
    expect(statuses.filter((s) => s !== StatusType.VALID)).toEqual([StatusType.INVALID, StatusType.SUSPENDED, StatusType.INVALID]);
    expect([statuses[3], statuses[40], statuses[63]]).toEqual([1, 2, 1]);
    expect(gunzipSync(served.gzip).equals(served.jwt)).toBe(true);
  });

  it('signs again when a status changes or half the ttl has passed, and only encodes a changed list', async () => {
    const list = new ListState(8, 64);
    const t0 = Date.UTC(2026, 0, 1);
    expect(publisher.isDue(list, t0)).toBe(true);
    await publisher.publish(list, t0);
    const first = publisher.get(8)!;
    const encoded = list.encoded;
    expect(publisher.isDue(list, t0 + 29_999)).toBe(false);
    list.set(5, StatusType.VALID);
    expect(publisher.isDue(list, t0 + 1)).toBe(false);
    expect(publisher.isDue(list, t0 + 30_000)).toBe(true);
    await publisher.publish(list, t0 + 30_000);
    expect(list.encoded).toBe(encoded);
    expect(publisher.get(8)!.etag).not.toBe(first.etag);
    list.set(5, StatusType.INVALID);
    expect(publisher.isDue(list, t0 + 30_001)).toBe(true);
    await publisher.publish(list, t0 + 30_001);
    expect(list.encoded).not.toBe(encoded);
    expect(statusAt(decodeStatusList(list.encoded!), 5)).toBe(StatusType.INVALID);
  });
});
