import { ApiError } from '@app/common';
import { parseAcctUri, parseSubId } from './subject-identifier';

function refusal(body: unknown): ApiError {
  try {
    parseSubId(body);
  } catch (err) {
    return err as ApiError;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('parseSubId', () => {
  it.each([
    [{ format: 'uid', id: 'breakfast' }, { kind: 'attribute', attribute: 'uid', value: 'breakfast' }],
    [{ format: 'mail', id: 'a@b.c' }, { kind: 'attribute', attribute: 'mail', value: 'a@b.c' }],
    [{ format: 'email', email: 'a@b.c' }, { kind: 'email', email: 'a@b.c' }],
    [{ format: 'phone_number', phone_number: '+1206' }, { kind: 'phone_number', phone_number: '+1206' }],
    [{ format: 'opaque', id: 'u-1' }, { kind: 'opaque', id: 'u-1' }],
    [{ format: 'iss_sub', iss: 'https://idp', sub: 's' }, { kind: 'iss_sub', iss: 'https://idp', sub: 's' }],
    [{ format: 'account', uri: 'acct:bob@example.com' }, { kind: 'account', uri: 'acct:bob@example.com' }],
    // Janssen's form with an RFC format name: no RFC member, an id → the attribute of that name.
    [{ format: 'phone_number', id: '+1206' }, { kind: 'attribute', attribute: 'phone_number', value: '+1206' }],
    [{ format: 'email', id: 'a@b.c' }, { kind: 'attribute', attribute: 'email', value: 'a@b.c' }],
    // Other members are ignored.
    [{ format: 'uid', id: 'x', extra: 1 }, { kind: 'attribute', attribute: 'uid', value: 'x' }],
  ])('reads %j', (subId, expected) => {
    expect(parseSubId({ sub_id: subId, other: true })).toEqual(expected);
    expect(parseSubId({ subject: subId, other: true })).toEqual(expected);
  });

  it.each([
    ['not an object', 'x', /JSON object/],
    ['an array', [], /JSON object/],
    ['null', null, /JSON object/],
    ['no sub_id', {}, /sub_id member is required/],
    ['sub_id null', { sub_id: null }, /sub_id member is required/],
    ['sub_id an array', { sub_id: [] }, /must be a JSON object/],
    ['subject an array', { subject: [] }, /subject must be a JSON object/],
    ['both sub_id and subject', { sub_id: { format: 'uid', id: 'a' }, subject: { format: 'uid', id: 'a' } }, /not both/],
    ['subject null and no sub_id', { subject: null }, /sub_id member is required/],
    ['no format', { sub_id: { id: 'x' } }, /format is required/],
    ['a number format', { sub_id: { format: 1, id: 'x' } }, /format must be a string/],
    ['a number id', { sub_id: { format: 'uid', id: 1 } }, /id must be a string/],
    ['an empty id', { sub_id: { format: 'uid', id: '' } }, /must not be empty/],
    ['a huge id', { sub_id: { format: 'uid', id: 'x'.repeat(1025) } }, /too long/],
    ['an unknown format without id', { sub_id: { format: 'did', url: 'did:example:1' } }, /not supported/],
    ['RFC 9493 uri (not resolved here)', { sub_id: { format: 'uri', uri: 'https://example.com/u' } }, /not supported/],
    ['a format that is no attribute name', { sub_id: { format: 'a b', id: 'x' } }, /not a known format/],
    ['email without email', { sub_id: { format: 'email' } }, /requires the members email/],
    ['iss_sub with iss only', { sub_id: { format: 'iss_sub', iss: 'https://idp' } }, /requires the members iss, sub/],
    ['iss_sub with iss and id', { sub_id: { format: 'iss_sub', iss: 'https://idp', id: 'x' } }, /requires the members iss, sub/],
    ['iss_sub with a number sub', { sub_id: { format: 'iss_sub', iss: 'https://idp', sub: 5 } }, /sub must be a string/],
    ['account with a mailto: URI', { sub_id: { format: 'account', uri: 'mailto:a@b.c' } }, /acct: URI/],
    ['account with no host', { sub_id: { format: 'account', uri: 'acct:bob' } }, /acct: URI/],
    ['account whose user part is not valid percent-encoding', { sub_id: { format: 'account', uri: 'acct:b%E0b@example.com' } }, /acct: URI/],
  ])('refuses %s with 400 invalid_request', (_name, body, message) => {
    const err = refusal(body);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_request');
    expect(err.description).toMatch(message);
  });
});

describe('parseAcctUri', () => {
  it('splits and percent-decodes acct:user@host, host lower-cased', () => {
    expect(parseAcctUri('acct:j%C3%B6rg@Example.COM')).toEqual({ user: 'jörg', host: 'example.com' });
    expect(parseAcctUri('acct:bob@localhost:8080')).toEqual({ user: 'bob', host: 'localhost:8080' });
  });

  it('answers undefined for anything else', () => {
    for (const uri of ['acct:bob', 'mailto:bob@x', 'acct:%E0%A4%A@x', 'acct:a@b@c']) expect(parseAcctUri(uri)).toBeUndefined();
  });
});
