import { parse } from 'fast-querystring';
import { parseFormBody } from './form-body';

/** fast-querystring's answer less the values that are empty (RFC 6749 §3.2: as if omitted). */
function parsedWithValues(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(parse(body) as Record<string, string | string[]>)) {
    const given = ([] as string[]).concat(value).filter((v) => v !== '');
    if (given.length > 0) out[key] = given.length === 1 ? given[0] : given;
  }
  return out;
}

describe('parseFormBody', () => {
  it('gives what fast-querystring gives less empty values, on every body of up to 8 pieces from an alphabet of separators, names and escapes', () => {
    const pieces = ['a', 'b', '=', '&', '.', '-', '_', 'token', '&&', '==', '%20', '+', '%zz', 'é'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 50_000; i++) {
      let body = '';
      for (let n = Math.floor(next() * 9); n > 0; n--) body += pieces[Math.floor(next() * pieces.length)];
      expect({ body, parsed: { ...parseFormBody(body) } }).toEqual({ body, parsed: parsedWithValues(body) });
    }
  });

  it('keeps a repeated name as an array, so that a repeated OAuth parameter can be refused', () => {
    expect({ ...parseFormBody('token=a.b.c&token=d.e.f&token=g') }).toEqual({ token: ['a.b.c', 'd.e.f', 'g'] });
    expect({ ...parseFormBody('grant_type=client_credentials&scope=api+read') }).toEqual({ grant_type: 'client_credentials', scope: 'api read' });
  });

  it('leaves out a parameter sent without a value, as if omitted (RFC 6749 §3.2), encoded or not', () => {
    expect({ ...parseFormBody('grant_type=client_credentials&client_secret=') }).toEqual({ grant_type: 'client_credentials' });
    expect({ ...parseFormBody('grant_type=client_credentials&client_secret&scope=a+b') }).toEqual({ grant_type: 'client_credentials', scope: 'a b' });
    expect({ ...parseFormBody('token=&token=a.b.c') }).toEqual({ token: 'a.b.c' });
    expect({ ...parseFormBody('token=%41&token=&token=') }).toEqual({ token: 'A' });
    expect({ ...parseFormBody('token=&token=') }).toEqual({});
  });

  it('answers with an object without a prototype: a name such as __proto__ is only a name', () => {
    const parsed = parseFormBody('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(parsed.__proto__).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
