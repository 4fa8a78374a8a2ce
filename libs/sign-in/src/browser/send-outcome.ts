import type { FastifyReply } from 'fastify';
import type { BrowserOutcome } from '../authorize/authorize.service';
import { setCookies } from './browser-session.service';
import { sendHtml, sendRedirect } from './html';

export function sendOutcome(reply: FastifyReply, outcome: BrowserOutcome): FastifyReply {
  setCookies(reply, outcome.cookies);
  return outcome.kind === 'redirect' ? sendRedirect(reply, outcome.location) : sendHtml(reply, outcome.status, outcome.html);
}
