import type { FastifyReply } from 'fastify';

/** Text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// One small stylesheet inline (the CSP allows inline styles only): no external asset at all.
const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}
main{max-width:24rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.5rem;margin:0 0 .5rem}
p{line-height:1.4}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input[type=text],input[type=password]{box-sizing:border-box;width:100%;padding:.6rem;font-size:1rem;border:1px solid #767676;border-radius:4px}
input:focus,button:focus{outline:3px solid #2b6cb0;outline-offset:2px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;border:0;border-radius:4px;background:#2b6cb0;color:#fff;cursor:pointer}
button.secondary{background:#e2e8f0;color:#1d1f23;margin-left:.5rem}
.error{padding:.75rem;border-radius:4px;background:#fde8e8;color:#9b1c1c;border:1px solid #f8b4b4}
`;

/** A whole page: `body` is trusted markup built from escaped values. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * Sends a page that no one may cache, frame or use to load anything: the pages carry CSRF
 * tokens and sign-in forms. No `form-action` directive: browsers apply it to the redirect
 * that follows a sign-in, which goes to the client's redirect_uri.
 */
export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .status(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Pragma', 'no-cache')
    .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
    .header('X-Frame-Options', 'DENY')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .send(html);
}

/** 303 See Other: the browser follows with a GET whatever method brought it here. */
export function sendRedirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('Location', location).header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').send();
}

/** Hidden inputs that carry a request's parameters through a form. */
export function hiddenFields(fields: Record<string, string | readonly string[] | undefined>): string {
  return Object.entries(fields)
    .flatMap(([name, value]) => (value === undefined ? [] : typeof value === 'string' ? [[name, value]] : value.map((v) => [name, v])))
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}
