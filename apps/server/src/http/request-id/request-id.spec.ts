import { requestIdOf } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it('keeps a sane X-Request-Id as sent', () => {
    for (const id of ['abc', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'x'.repeat(128), '!~|"\\{}']) expect(requestIdOf({ headers: { 'x-request-id': id } })).toBe(id);
  });

  it('generates a UUID when the header is missing, empty, too long, repeated, or not visible ASCII', () => {
    for (const value of [undefined, '', 'x'.repeat(129), 'with space', 'tab\there', 'new\nline', 'caf\u00e9', '\u0000', ['a', 'b']]) {
      expect(requestIdOf({ headers: { 'x-request-id': value as string | undefined } })).toMatch(UUID);
    }
  });

  it('generates a different id each time', () => {
    expect(requestIdOf({ headers: {} })).not.toBe(requestIdOf({ headers: {} }));
  });
});
