import { fixedBody, replySerializer } from './fixed-body';

describe('fixedBody and replySerializer', () => {
  it('answers a fixed body with the JSON it had when it was marked, and freezes it', () => {
    const body = fixedBody({ active: true, exp: 1795493414, aud: ['rs'], none: undefined });
    expect(replySerializer(body)).toBe('{"active":true,"exp":1795493414,"aud":["rs"]}');
    expect(Object.isFrozen(body)).toBe(true);
    expect(() => { (body as { active: boolean }).active = false; }).toThrow(TypeError);
    expect(replySerializer(body)).toBe(JSON.stringify(body));
  });

  it('serializes anything else as JSON.stringify does, each time', () => {
    const body: Record<string, unknown> = { id: 'a' };
    expect(replySerializer(body)).toBe('{"id":"a"}');
    body.id = 'b';
    expect(replySerializer(body)).toBe('{"id":"b"}');
    expect(replySerializer(Object.freeze({ frozen: 'but not marked' }))).toBe('{"frozen":"but not marked"}');
    for (const value of [null, 0, 'text', [1, { a: 2 }], true]) expect(replySerializer(value)).toBe(JSON.stringify(value));
  });
});
