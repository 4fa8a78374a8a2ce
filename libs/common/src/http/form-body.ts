import { parse } from 'fast-querystring';

const NEEDS_DECODING = /[%+]/;

/**
 * An application/x-www-form-urlencoded body, as fast-querystring (what NestJS and Fastify use)
 * parses it: a repeated name gives an array, a name without `=` an empty value, empty pairs are
 * skipped. A body with nothing to decode (no `%`, no `+`: an introspection or revocation request
 * carrying a JWT) is split with native string searches instead, in half the time; a test checks
 * that both give the same answer.
 */
export function parseFormBody(body: string): Record<string, string | string[]> {
  if (NEEDS_DECODING.test(body)) return parse(body) as Record<string, string | string[]>;
  const out: Record<string, string | string[]> = Object.create(null);
  for (let start = 0; start <= body.length;) {
    let end = body.indexOf('&', start);
    if (end < 0) end = body.length;
    if (end > start) {
      const eq = body.indexOf('=', start);
      const named = eq >= 0 && eq < end;
      const key = body.slice(start, named ? eq : end);
      const value = named ? body.slice(eq + 1, end) : '';
      const seen = out[key];
      if (seen === undefined) out[key] = value;
      else if (Array.isArray(seen)) seen.push(value);
      else out[key] = [seen, value];
    }
    start = end + 1;
  }
  return out;
}
