import { Logger } from '@nestjs/common';
import request from 'supertest';
import { RevocationListPurger } from '@app/session-mgmt';
import { RevokedSriEntity } from '@app/store';
import { seedClient } from './support/fixtures';
import { listEntry, NOT_REVOKED, REVOKED_SRIS, SEED_AUTHORIZATION, SEED_CLIENT, updateListEntry } from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

/** "List entries live for a configurable session revocation lifetime (minutes) and the list has a configurable maximum size, oldest purged first." */
describe('Session revocation list: lifetime and maximum size', () => {
  let t: TestApp;
  let warn: jest.SpyInstance;

  const add = (sri: string) =>
    request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json').send({ id: sri });
  const status = (sri: string) =>
    request(t.server).get(`${REVOKED_SRIS}/${encodeURIComponent(sri)}?updateActivityTime=false`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
  const listed = () => t.dataSource.getRepository(RevokedSriEntity).find({ order: { createdAt: 'ASC', sri: 'ASC' } }).then((rows) => rows.map((r) => r.sri));

  beforeAll(async () => {
    t = await startTestApp({ revocationList: { lifetime: 60, max: 3, purgeInterval: 1 } });
    await seedClient(t, SEED_CLIENT);
  });
  beforeEach(async () => {
    await t.app.get(RevocationListPurger).purge();
    warn = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(() => warn.mockRestore());
  afterAll(async () => { await t.close(); });

  it('keeps an entry for the configured lifetime, then no longer reports it, and the purge deletes it without a warning', async () => {
    expect((await add('short-lived')).status).toBe(201);
    const entry = (await listEntry(t, 'short-lived'))!;
    expect(entry.expiresAt - entry.createdAt).toBe(60 * 60_000);
    expect((await status('short-lived')).status).toBe(200);

    await updateListEntry(t, 'short-lived', { expiresAt: Date.now() - 1 }); // its 60 minutes have passed
    const res = await status('short-lived');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(NOT_REVOKED);

    // This app also purges on a short interval (next test): that purge may have come first.
    const result = await t.app.get(RevocationListPurger).purge();
    expect([0, 1]).toContain(result.expired);
    expect(await listEntry(t, 'short-lived')).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  it('purges expired entries periodically, without being asked', async () => {
    expect((await add('periodic')).status).toBe(201);
    await updateListEntry(t, 'periodic', { expiresAt: Date.now() - 1 });
    const deadline = Date.now() + 5000;
    while ((await listEntry(t, 'periodic')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await listEntry(t, 'periodic')).toBeNull();
  });

  it('re-listing an entry renews it: it becomes the newest, with a fresh lifetime', async () => {
    expect((await add('renew-a')).status).toBe(201);
    const before = (await listEntry(t, 'renew-a'))!;
    await new Promise((r) => setTimeout(r, 5));
    expect((await add('renew-b')).status).toBe(201);
    await new Promise((r) => setTimeout(r, 5));
    expect((await add('renew-a')).status).toBe(201);
    const after = (await listEntry(t, 'renew-a'))!;
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt);
    expect(after.createdAt).toBeGreaterThan(before.createdAt);
    expect((await listed()).slice(-2)).toEqual(['renew-b', 'renew-a']);
  });

  it('answers a 255-character SRI (not 414) and refuses a 256-character one with 400', async () => {
    expect((await status('s'.repeat(255))).status).toBe(404);
    expect((await status('s'.repeat(256))).status).toBe(400);
  });
});

describe('Session revocation list: purge on insert over the maximum', () => {
  let t: TestApp;
  let warn: jest.SpyInstance;

  const add = (sri: string) =>
    request(t.server).post(REVOKED_SRIS).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate').set('Content-Type', 'application/json').send({ id: sri });
  const status = (sri: string) =>
    request(t.server).get(`${REVOKED_SRIS}/${encodeURIComponent(sri)}?updateActivityTime=false`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
  const listed = () => t.dataSource.getRepository(RevokedSriEntity).find({ order: { createdAt: 'ASC', sri: 'ASC' } }).then((rows) => rows.map((r) => r.sri));

  beforeAll(async () => {
    t = await startTestApp({ revocationList: { lifetime: 60, max: 3, purgeInterval: 3600 } });
    await seedClient(t, SEED_CLIENT);
    await t.app.get(RevocationListPurger).purge(); // the start-up purge has counted the (empty) list
    warn = jest.spyOn(Logger.prototype, 'warn');
  });
  afterAll(async () => { warn.mockRestore(); await t.close(); });

  it('over the maximum, purges the oldest first as soon as they are listed, and logs that they went before their lifetime', async () => {
    for (const sri of ['size-1', 'size-2', 'size-3']) {
      expect((await add(sri)).status).toBe(201);
      await new Promise((r) => setTimeout(r, 5)); // distinct listing instants
    }
    expect(await listed()).toEqual(['size-1', 'size-2', 'size-3']);
    expect(warn).not.toHaveBeenCalled();

    expect((await add('size-4')).status).toBe(201);
    await new Promise((r) => setTimeout(r, 5));
    expect((await add('size-5')).status).toBe(201);
    // No purge is due for an hour: only the inserts can have started this one.
    const deadline = Date.now() + 5000;
    while ((await listed()).length > 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await listed()).toEqual(['size-3', 'size-4', 'size-5']);
    expect((await status('size-1')).status).toBe(404);
    expect((await status('size-5')).body).toEqual({ id: 'size-5' });
    const messages = warn.mock.calls.map((c) => String(c[0]));
    expect(messages.some((m) => /over its maximum of 3/.test(m) && /before the end of their 60-minute lifetime/.test(m))).toBe(true);
  });

});
