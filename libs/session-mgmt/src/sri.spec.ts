import { ApiError } from '@app/common';
import { parseSri, parseUpdateActivityTime } from './sri';

function resultIdOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as ApiError).resultId;
  }
}

describe('parseSri', () => {
  it('accepts the seed\'s id, PingFederate-style ids and ids this server never issued', () => {
    for (const sri of ['abc123', 'qzTEiEroxdzAufjYKQawm72lcBE..4RbA', 'x'.repeat(255), 'ünïcode sri', '...', '.a']) expect(parseSri(sri)).toBe(sri);
  });

  it('refuses empty, too long, non-string, control characters and lone surrogates with 400 session_mgmt_invalid_sri', () => {
    for (const bad of ['', 'x'.repeat(256), 42, null, undefined, ['abc'], 'abc\n', 'a\u0000b', 'a\u007fb', 'a\u0085b', 'a\ud800b', '.', '..']) {
      expect(resultIdOf(() => parseSri(bad))).toBe('session_mgmt_invalid_sri');
    }
  });
});

describe('parseUpdateActivityTime', () => {
  it('is true when absent, follows true/false in any case, and refuses anything else', () => {
    expect(parseUpdateActivityTime(undefined)).toBe(true);
    expect(parseUpdateActivityTime('false')).toBe(false);
    expect(parseUpdateActivityTime('FALSE')).toBe(false);
    expect(parseUpdateActivityTime('true')).toBe(true);
    for (const bad of ['', 'no', '0', ['false', 'false']]) expect(resultIdOf(() => parseUpdateActivityTime(bad))).toBe('session_mgmt_invalid_request');
  });
});
