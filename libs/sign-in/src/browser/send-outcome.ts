import type { FastifyReply } from 'fastify';
import type { BrowserOutcome } from '../authorize/authorize.service';
import { setCookies } from './browser-session.service';
import { sendHtml, sendRedirect } from './html';

export function sendOutcome(reply: FastifyReply, outcome: BrowserOutcome): FastifyReply {
  setCookies(reply, outcome.cookies);
  if (outcome.kind === 'redirect') return sendRedirect(reply, outcome.location);
  if (outcome.headers) reply.headers(outcome.headers);
  return sendHtml(reply, outcome.status, outcome.html);
}
