import { BasicStrategy } from 'passport-http';
import { ApiError, isThenable } from '@app/common';
import type { ClientEntity } from '@app/store';
import type { RequestAuth } from '../../request-auth';
import type { ClientAuthRequest } from '../client-auth-method';
import type { ClientAuthenticator } from '../client-authenticator.service';
import { ClientSecretBasic } from './client-secret-basic.method';

const basic = (pair: string) => `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
const request = (authorization: string): ClientAuthRequest => ({ headers: { authorization }, ip: '10.0.0.9' });
const authOf = (clientId: string): RequestAuth => ({ method: 'client_secret_basic', clientId, scopes: [], client: { clientId } as ClientEntity });

async function outcome(p: () => unknown): Promise<unknown> {
  try {
    return await p();
  } catch (err) {
    return err;
  }
}

describe('ClientSecretBasic', () => {
  /** What the stand-in authenticator was asked to check, as [client id, secret]. */
  let checked: string[][];
  let verified: Set<string>;
  let method: ClientSecretBasic;
  let passportRuns: jest.SpyInstance;

  beforeEach(() => {
    checked = [];
    verified = new Set();
    const authenticator = {
      recentlyVerified: (id: string, secret: string) => (verified.has(`${id}:${secret}`) ? authOf(id) : undefined),
      authenticate: async (id: string, secret: string) => {
        checked.push([id, secret]);
        verified.add(`${id}:${secret}`);
        return authOf(id);
      },
    };
    method = new ClientSecretBasic(authenticator as unknown as ClientAuthenticator);
    passportRuns = jest.spyOn(BasicStrategy.prototype, 'authenticate');
  });
  afterEach(() => passportRuns.mockRestore());

  it('answers credentials verified in the last minute at once, without entering passport', async () => {
    expect(await method.authenticate(request(basic('rs:s3cret')))).toEqual(authOf('rs'));
    expect(passportRuns).toHaveBeenCalledTimes(1);
    const again = method.authenticate(request(basic('rs:s3cret')));
    expect(isThenable(again)).toBe(false);
    expect(again).toEqual(authOf('rs'));
    expect(passportRuns).toHaveBeenCalledTimes(1);
    expect(checked).toEqual([['rs', 's3cret']]);
  });

  it('checks the whole secret after the first colon (RFC 7617), sent raw as curl -u does or form-encoded (RFC 6749 §2.3.1)', async () => {
    await method.authenticate(request(basic('rs:abc:def::ghi:')));
    await method.authenticate(request(basic(`odd%20client:${encodeURIComponent('p@ss:w%rd')}`)));
    await method.authenticate(request(basic(`rs:${encodeURIComponent(':leading')}`)));
    expect(checked).toEqual([['rs', 'abc:def::ghi:'], ['odd client', 'p@ss:w%rd'], ['rs', ':leading']]);
    // Verified once, each is then a cache hit under the same rule.
    expect(method.authenticate(request(basic('rs:abc:def::ghi:')))).toEqual(authOf('rs'));
  });

  it('leaves passport\'s refusals as they are: no colon, an empty id or password, a raw secret that begins with a colon', async () => {
    for (const pair of ['no-colon', ':secret', 'rs:', 'rs::leading']) {
      const err = await outcome(() => method.authenticate(request(basic(pair))));
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 401, code: 'invalid_client', description: 'Client authentication failed.', headers: { 'WWW-Authenticate': 'Basic realm="revocation-server"' } });
    }
    expect(passportRuns).toHaveBeenCalledTimes(4);
    expect(checked).toEqual([]);
  });

  it('answers a malformed header (400) before passport, and a bad form-encoding (400) from passport\'s verify callback', async () => {
    expect(await outcome(() => method.authenticate(request('Basic a b')))).toMatchObject({ status: 400, description: 'Malformed Basic authorization header.' });
    expect(passportRuns).not.toHaveBeenCalled();
    expect(await outcome(() => method.authenticate(request(basic('rs:%zz'))))).toMatchObject({ status: 400, description: 'The Basic credentials are not correctly form-urlencoded.' });
    expect(passportRuns).toHaveBeenCalledTimes(1);
  });

  it('hands passport the header with one space after the scheme, which is all passport-http reads', async () => {
    const token = Buffer.from('rs:s3cret').toString('base64');
    expect(await method.authenticate(request(`bAsIc \t ${token}`))).toEqual(authOf('rs'));
    expect(checked).toEqual([['rs', 's3cret']]);
  });
});
