import type { TLSSocket } from 'node:tls';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuditConfig, InjectConfig } from '@app/common';
import { AUDITED_ROUTE_CONFIG } from './audited.decorator';
import { AUDIT_SINKS, AuditRecord, AuditSink } from './audit-record';
import { RefusalLineLimiter } from './refusal-line-limiter';

const PREFIX_DECISIONS_MAX = 1024;

/** Writes the audit line of a request once its answer was sent: AuditInterceptor for the requests it took, AuditRecorder for the others. */
export interface AuditLineWriter {
  onResponse(request: FastifyRequest, reply: FastifyReply): void;
}

/** The request property that names the writer of a request's line; a Fastify request decoration, so every request has it. */
export const AUDIT_WRITER = 'auditWriter';

/** What the audit log reads from a request besides Fastify's own fields (RequestAuth in @app/auth sets `auth`). */
export interface AuditableRequest {
  /** Set by the guard that authenticated the caller; absent when authentication failed or was not attempted. */
  auth?: { clientId?: unknown; method?: unknown };
  /** A short, secret-free remark a handler leaves for the `note` extra field, e.g. `matches=3`. */
  auditNote?: unknown;
  /** The interceptor that took the request when it reached a handler; null or absent when none did. */
  [AUDIT_WRITER]?: AuditLineWriter | null;
}

/**
 * Writes the audit records of a runtime-API route, and owns the Fastify onResponse hook that
 * decides who writes each one.
 *
 * A request that reached a handler was taken by AuditInterceptor, which writes its line. Guards
 * run before interceptors, and Fastify's body parser (415, malformed JSON, 413) and its
 * not-found handler run before or without Nest, so no interceptor sees those requests: the hook
 * writes their line itself. onResponse runs once for every response, with the final status code
 * (the exception filter's, when the handler threw), so each request gets exactly one line. It
 * runs after the reply was sent: writing adds no latency and cannot change the answer.
 *
 * Refusals of unauthenticated callers go through a RefusalLineLimiter first. And while a sink
 * cannot keep up, an onRequest hook holds every audited request until it caught up: the sink
 * keeps the lines of authenticated calls rather than drop them, and this bounds how many it keeps.
 */
@Injectable()
export class AuditRecorder implements OnModuleInit, BeforeApplicationShutdown, AuditLineWriter {
  private readonly logger = new Logger('AuditLog');
  private readonly prefixes: string[];
  private readonly brokenSinks = new Set<AuditSink>();
  private readonly refusals: RefusalLineLimiter;
  /** Audited requests that waited for a sink to catch up, since start-up. */
  heldRequests = 0;
  /** Raw path → whether it is below AUDIT_PATHS: decoding and normalizing it cost introspection 2% of its time. */
  private readonly underPrefix = new Map<string, boolean>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectConfig('audit') audit: AuditConfig,
    @Inject(AUDIT_SINKS) private readonly sinks: AuditSink[],
  ) {
    this.prefixes = audit.paths.map(normalizePath);
    this.refusals = new RefusalLineLimiter(
      { perAddress: audit.refusalLinesPerAddress, total: audit.refusalLinesTotal, windowMs: audit.refusalWindow * 1000 },
      (summary) => this.deliver(summary),
    );
  }

  /** Refusal lines suppressed since start-up (their summaries say which). */
  get suppressedLines(): number {
    return this.refusals.suppressedTotal;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    // An application context without HTTP (the CLI) has nothing to audit.
    if (typeof fastify?.addHook !== 'function') return;
    // Declared, so that every request has the same shape whether or not an interceptor took it.
    if (!fastify.hasRequestDecorator(AUDIT_WRITER)) fastify.decorateRequest(AUDIT_WRITER, null);
    fastify.addHook('onRequest', (request, _reply, done) => {
      const caughtUp = this.whenSinksCaughtUp();
      if (!caughtUp || !this.isAudited(request)) {
        done();
        return;
      }
      // Before the body is read: a waiting client is slowed down by TCP as well.
      this.heldRequests++;
      caughtUp.then(() => done(), () => done());
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const writer = (request as unknown as AuditableRequest)[AUDIT_WRITER] ?? this;
      writer.onResponse(request, reply);
      done();
    });
  }

  /** The summaries of the current window, before the sinks close. */
  beforeApplicationShutdown(): void {
    this.refusals.flush();
  }

  /** The line of a request that reached no handler (refused by a guard or the body parser, or matching no route). */
  onResponse(request: FastifyRequest, reply: FastifyReply): void {
    this.write(request, reply);
  }

  /** Gives every sink the record of an answered request, when it is audited; never throws. */
  write(request: FastifyRequest, reply: FastifyReply): void {
    let record: AuditRecord;
    try {
      if (!this.isAudited(request)) return;
      record = toAuditRecord(request, reply);
    } catch (err) {
      this.logger.error(`Cannot build the audit record: ${(err as Error)?.message ?? String(err)}`);
      return;
    }
    if (this.refusals.admit(record)) this.deliver(record);
  }

  private deliver(record: AuditRecord): void {
    for (const sink of this.sinks) {
      try {
        sink.write(record);
      } catch (err) {
        this.reportBroken(sink, err);
      }
    }
  }

  /** A sink must not throw; one that does is reported once, and the others still get the record. */
  private reportBroken(sink: AuditSink, err: unknown): void {
    if (this.brokenSinks.has(sink)) return;
    this.brokenSinks.add(sink);
    this.logger.error(`Audit sink ${sink.constructor?.name ?? 'unknown'} failed: ${(err as Error)?.message ?? String(err)}`);
  }

  /** Undefined while every sink keeps up (asked once per request: no allocation then). */
  private whenSinksCaughtUp(): Promise<unknown> | undefined {
    let waits: Promise<void>[] | undefined;
    for (const sink of this.sinks) {
      if (!sink.whenCaughtUp) continue;
      let wait: Promise<void> | undefined;
      try {
        wait = sink.whenCaughtUp();
      } catch (err) {
        this.reportBroken(sink, err);
      }
      if (wait) (waits ??= []).push(wait);
    }
    return waits && (waits.length === 1 ? waits[0] : Promise.all(waits));
  }

  /** Marked with @Audited() (route config), or below one of AUDIT_PATHS (also when no route matched). */
  isAudited(request: FastifyRequest): boolean {
    const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
    if (config?.[AUDITED_ROUTE_CONFIG] === true) return true;
    const path = pathOf(request.url);
    let under = this.underPrefix.get(path);
    if (under === undefined) {
      const normalized = normalizePath(path);
      under = this.prefixes.some((p) => p === '' || normalized === p || normalized.startsWith(`${p}/`));
      // Bounded: paths are the caller's to choose.
      if (this.underPrefix.size >= PREFIX_DECISIONS_MAX) this.underPrefix.clear();
      this.underPrefix.set(path, under);
    }
    return under;
  }
}

/** The audit record of a request and its reply. Reads no body, no query string and no credential header. */
export function toAuditRecord(request: FastifyRequest, reply: FastifyReply, time = new Date()): AuditRecord {
  const { auth, auditNote } = request as unknown as AuditableRequest;
  const userAgent = request.headers['user-agent'];
  return {
    time,
    name: typeof auth?.clientId === 'string' ? auth.clientId : undefined,
    authMethod: typeof auth?.method === 'string' ? auth.method : undefined,
    ip: request.ip,
    httpMethod: request.method,
    path: pathOf(request.url),
    status: reply.statusCode,
    extra: {
      request_id: String(request.id),
      user_agent: typeof userAgent === 'string' ? userAgent : undefined,
      tls_version: tlsVersion(request),
      note: typeof auditNote === 'string' ? auditNote : undefined,
    },
  };
}

/** The path as the client sent it; the query string (which may carry a token) is never kept. */
export function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** For prefix matching only: decoded, lower-case, single slashes, no trailing slash. */
function normalizePath(path: string): string {
  let p = path;
  try { p = decodeURIComponent(p); } catch { /* keep the raw form */ }
  return p.toLowerCase().replace(/\/{2,}/g, '/').replace(/\/+$/, '');
}

function tlsVersion(request: FastifyRequest): string | undefined {
  const socket = request.raw.socket as Partial<TLSSocket> | undefined;
  return typeof socket?.getProtocol === 'function' ? socket.getProtocol() ?? undefined : undefined;
}
