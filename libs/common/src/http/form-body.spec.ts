import { parse } from 'fast-querystring';
import { parseFormBody } from './form-body';

describe('parseFormBody', () => {
  it('gives what fast-querystring gives, on every body of up to 8 pieces from an alphabet of separators, names and escapes', () => {
    const pieces = ['a', 'b', '=', '&', '.', '-', '_', 'token', '&&', '==', '%20', '+', '%zz', 'é'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 50_000; i++) {
      let body = '';
      for (let n = Math.floor(next() * 9); n > 0; n--) body += pieces[Math.floor(next() * pieces.length)];
      expect({ body, parsed: { ...parseFormBody(body) } }).toEqual({ body, parsed: { ...parse(body) } });
    }
  });

  it('keeps a repeated name as an array, so that a repeated OAuth parameter can be refused', () => {
    expect({ ...parseFormBody('token=a.b.c&token=d.e.f&token=g') }).toEqual({ token: ['a.b.c', 'd.e.f', 'g'] });
    expect({ ...parseFormBody('grant_type=client_credentials&scope=api+read') }).toEqual({ grant_type: 'client_credentials', scope: 'api read' });
  });

  it('answers with an object without a prototype: a name such as __proto__ is only a name', () => {
    const parsed = parseFormBody('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(parsed.__proto__).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
