import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import request from 'supertest';
import { seedClient } from './support/fixtures';
import { chromiumRequirement, describeWith } from './support/requirements';
import { NOT_REVOKED, SEED_AUTHORIZATION, SEED_CLIENT } from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

/**
 * CHROMIUM_PATH, else Debian's Chromium (`apt-get install chromium`; .ci/run installs it), else
 * `chromium` on PATH. None: the suite is skipped with a line saying so, or fails under CI=true.
 */
const CHROMIUM = chromiumRequirement();
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const STATUS_OPERATION = '#operations-Session_Management-RevokedSris_status';

type Json = Record<string, any>;

jest.setTimeout(120_000);

/** An operator's client, for the OAuth2 client-credentials scheme of the page. */
const ADMIN_CLIENT = { client_id: 'swagger-admin', client_secret: 'swagger-admin-secret-0123456789', scopes: ['admin'], grant_types: ['client_credentials'] };

/**
 * Swagger UI at /docs in a real browser: the real app listening on 127.0.0.1 (random port),
 * Chromium (see CHROMIUM above) driven headless through playwright-core. The page must show every
 * endpoint grouped by module, offer the Basic, bearer and X-XSRF-HEADER schemes in
 * "Authorize", and run "Try it out" against this server. Screenshots go to test-artifacts/.
 */
describeWith(CHROMIUM, 'Swagger UI in Chromium', () => {
  let t: TestApp | undefined;
  let base: string;
  let doc: Json;
  let profile: string | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, SEED_CLIENT);
    await seedClient(t, ADMIN_CLIENT);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    doc = (await request(t.server).get('/docs-json').expect(200)).body;

    profile = mkdtempSync(join(tmpdir(), 'swagger-ui-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM.path, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('request', (r) => requested.push(r.url()));
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  it('loads /docs with every asset from this server and nothing from anywhere else', async () => {
    const res = await page.goto(`${base}/docs`);
    expect(res?.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Revocation Server' }).waitFor();
    await page.locator('.opblock').first().waitFor();
    const foreign = requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requested).toEqual(expect.arrayContaining([`${base}/docs/swagger-ui-bundle.js`, `${base}/docs/swagger-ui.css`]));
    // Nor on another host name: no online validator badge (Swagger UI would load it from swagger.io).
    expect((await request(t!.server).get('/docs/swagger-ui-init.js').expect(200)).text).toMatch(/"validatorUrl": null/);
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui-overview.png'), fullPage: true });
  });

  it('shows every endpoint of the OpenAPI document, grouped by module in the declared order', async () => {
    const expected: Record<string, string[]> = {};
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        for (const tag of op.tags as string[]) (expected[tag] ??= []).push(`${method.toUpperCase()} ${path}`);
      }
    }
    const shown = await page.$$eval('.opblock-tag-section', (sections) => sections.map((s) => ({
      tag: s.querySelector('h3.opblock-tag')?.getAttribute('data-tag') ?? '',
      ops: [...s.querySelectorAll('.opblock')].map((op) =>
        `${op.querySelector('.opblock-summary-method')?.textContent?.trim()} ${op.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
    })));
    // Every module's section, in the document's (API_TAGS) order; modules added later only lengthen the list.
    expect(shown.map((s) => s.tag)).toEqual((doc.tags as { name: string }[]).map((tag) => tag.name));
    expect(shown.map((s) => s.tag)).toEqual(expect.arrayContaining(['OAuth', 'Global Token Revocation', 'Session Management', 'Admin', 'Discovery', 'Health']));
    expect(shown.map((s) => s.tag).indexOf('OAuth')).toBe(0);
    for (const section of shown) expect([section.tag, [...section.ops].sort()]).toEqual([section.tag, [...expected[section.tag]].sort()]);
    expect(shown.flatMap((s) => s.ops)).toEqual(expect.arrayContaining([
      'POST /jans-auth/restv1/global-token-revocation', 'GET /pf-ws/rest/sessionMgmt/revokedSris/{id}', 'PUT /admin/feature-flags/{name}', 'POST /token',
    ]));
  });

  it('offers the Basic, bearer and X-XSRF-HEADER schemes in "Authorize", and takes a client\'s Basic credentials and the XSRF key', async () => {
    await page.locator('.scheme-container .btn.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    const schemes = dialog.locator('.auth-container');
    const titles = (await schemes.locator('h4').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
    expect(titles).toEqual(expect.arrayContaining([
      expect.stringMatching(/^basic \(http, Basic\)/), expect.stringMatching(/^bearer \(http, Bearer\)/), expect.stringMatching(/^xsrf \(apiKey\)/),
    ]));
    const xsrf = schemes.filter({ has: page.locator('h4', { hasText: /^xsrf/ }) });
    await expect(xsrf.innerText()).resolves.toMatch(/Name:\s*X-XSRF-HEADER[\s\S]*In:\s*header/);

    const basic = schemes.filter({ has: page.locator('h4', { hasText: /^basic/ }) });
    await basic.locator('input[name="username"]').fill(SEED_CLIENT.client_id);
    await basic.locator('input[name="password"]').fill(SEED_CLIENT.client_secret);
    await basic.locator('button.authorize').click();
    await basic.locator('button', { hasText: 'Logout' }).waitFor();

    await xsrf.locator('input').fill('PingFederate');
    await xsrf.locator('button.authorize').click();
    await xsrf.locator('button', { hasText: 'Logout' }).waitFor();
    await expect(basic.innerText()).resolves.toMatch(new RegExp(`Username:\\s*${SEED_CLIENT.client_id}`));
    // The dialog scrolled to its top: the Basic scheme authorized, the bearer scheme below it.
    await dialog.locator('.modal-ux-content').evaluate((el) => { el.scrollTop = 0; });
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui-authorize.png') });

    await dialog.locator('button.close-modal').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(page.locator('.scheme-container .btn.authorize').getAttribute('class')).resolves.toContain('locked');
  });

  it('"Try it out" on GET /pf-ws/rest/sessionMgmt/revokedSris/{id} shows the seed\'s 404 body from this server', async () => {
    const op = page.locator(STATUS_OPERATION);
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    await op.locator('tr[data-param-name="id"] input').fill('never-revoked-sri');
    const xsrfParam = op.locator('tr[data-param-name="X-XSRF-HEADER"] input');
    if ((await xsrfParam.inputValue()) === '') await xsrfParam.fill('PingFederate');
    const answered = page.waitForResponse((r) => r.url().startsWith(`${base}/pf-ws/rest/sessionMgmt/revokedSris/`));
    await op.locator('button.execute').click();
    const response = await answered;
    expect(response.status()).toBe(404);
    expect(response.request().headers()).toMatchObject({ authorization: SEED_AUTHORIZATION, 'x-xsrf-header': 'PingFederate' });

    // What the page displays: the request it made, the status and the body.
    const live = op.locator('.live-responses-table');
    await live.waitFor();
    await expect(op.locator('.request-url pre').innerText()).resolves.toBe(`${base}/pf-ws/rest/sessionMgmt/revokedSris/never-revoked-sri`);
    const curl = await op.locator('.curl-command').innerText();
    expect(curl).toContain(`-H 'Authorization: ${SEED_AUTHORIZATION}'`);
    expect(curl).toContain("-H 'X-XSRF-HEADER: PingFederate'");
    await expect(live.locator('.response .response-col_status').first().innerText()).resolves.toMatch(/^404\b/);
    const body = await live.locator('.response-col_description pre.microlight').first().innerText();
    expect(JSON.parse(body)).toEqual(NOT_REVOKED);
    expect(body).toContain('"resultId": "session_mgmt_sri_not_revoked"');
    expect(body).toContain('"message": "The SRI has not been revoked."');

    // The operation from its title down to the live response, in one picture.
    await page.setViewportSize({ width: 1280, height: 1500 });
    await op.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui.png') });
    expect(requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'))).toEqual([]);
  });

  it('gets a token with a client\'s credentials in "Authorize" (OAuth2 client credentials) and calls the admin API with it', async () => {
    await page.locator('.scheme-container .btn.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    const oauth2 = dialog.locator('.auth-container').filter({ has: page.locator('h4', { hasText: /^oauth2/ }) });
    await oauth2.locator('input#client_id_clientCredentials').fill(ADMIN_CLIENT.client_id);
    await oauth2.locator('input#client_secret_clientCredentials').fill(ADMIN_CLIENT.client_secret);
    await oauth2.locator('label[for="admin-clientCredentials-checkbox-oauth2"]').click();
    const tokenAnswer = page.waitForResponse((r) => r.url() === `${base}/token`);
    await oauth2.locator('button.authorize').click();
    expect((await tokenAnswer).status()).toBe(200);
    await oauth2.locator('button', { hasText: 'Logout' }).waitFor();
    await dialog.locator('button.close-modal').click();
    await dialog.waitFor({ state: 'detached' });

    const op = page.locator('#operations-Admin-FeatureFlags_list');
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    const answered = page.waitForResponse((r) => r.url() === `${base}/admin/feature-flags`);
    await op.locator('button.execute').click();
    const response = await answered;
    expect(response.status()).toBe(200);
    expect(response.request().headers().authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'))).toEqual([]);
  });
});
