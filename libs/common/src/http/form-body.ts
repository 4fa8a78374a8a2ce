import { parse } from 'fast-querystring';

const NEEDS_DECODING = /[%+]/;

type Form = Record<string, string | string[]>;

/**
 * An application/x-www-form-urlencoded body, as fast-querystring (what NestJS and Fastify use)
 * parses it, less the parameters sent without a value: RFC 6749 §3.1 and §3.2 say they "MUST be
 * treated as if they were omitted from the request" (`client_secret=` beside a Basic header is
 * not a second authentication method). A repeated name gives an array, empty pairs are skipped.
 * A body with nothing to decode (no `%`, no `+`: an introspection or revocation request carrying
 * a JWT) is split with native string searches instead, in half the time; a test checks that
 * both give the same answer.
 */
export function parseFormBody(body: string): Form {
  if (NEEDS_DECODING.test(body)) return withoutEmptyValues(parse(body) as Form);
  const out: Form = Object.create(null);
  for (let start = 0; start <= body.length;) {
    let end = body.indexOf('&', start);
    if (end < 0) end = body.length;
    const eq = body.indexOf('=', start);
    // A name without `=`, or with nothing after it, has no value.
    if (eq >= start && eq + 1 < end) {
      const key = body.slice(start, eq);
      const value = body.slice(eq + 1, end);
      const seen = out[key];
      if (seen === undefined) out[key] = value;
      else if (Array.isArray(seen)) seen.push(value);
      else out[key] = [seen, value];
    }
    start = end + 1;
  }
  return out;
}

function withoutEmptyValues(form: Form): Form {
  for (const key of Object.keys(form)) {
    const value = form[key];
    if (!Array.isArray(value)) {
      if (value === '') delete form[key];
      continue;
    }
    const given = value.filter((v) => v !== '');
    if (given.length === 0) delete form[key];
    else form[key] = given.length === 1 ? given[0] : given;
  }
  return form;
}
