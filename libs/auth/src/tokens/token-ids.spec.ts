import { issuedAtOfTokenId, newTokenId } from './token-ids';

describe('newTokenId', () => {
  it('carries its issue time to the millisecond and never repeats, across refills of the random pool', () => {
    const now = Date.now();
    const ids = Array.from({ length: 2000 }, (_, i) => newTokenId(now + i));
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id, i) => expect(issuedAtOfTokenId(id)).toBe(now + i));
    // The random parts differ too, not only the time prefix.
    const sameTime = Array.from({ length: 2000 }, () => newTokenId(now).slice(8));
    expect(new Set(sameTime).size).toBe(sameTime.length);
  });
});
