import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { buildInfo, type StoreOutageMarked } from '@app/common';
import { AuditRecorder, FileAuditSink } from '@app/audit';
import { ClientAuthenticator, ClientCache, PasswordSignIn, RevocationFeedFollower, RevocationIndex, TokenSigner } from '@app/auth';
import { SessionEvents } from '@app/sessions';
import { ALL_SUB_ID_FORMATS, GlobalRevocationEvents } from '@app/revocation/core';
import { NotificationOutboxRepository } from '@app/store';
import { HttpRequestMetrics } from './http-request-metrics';

/** Every metric name starts with this. */
export const METRICS_PREFIX = 'revocation_';

/** Latency buckets, seconds: the hot paths answer in well under a millisecond, a global revocation in a few. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
/** The label of requests that matched no route: raw URLs would give every scanner its own series. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The application's Prometheus metrics, in a registry of its own (two applications in one
 * process, as in the scale-out test, keep separate counts).
 *
 * Hot paths pay one update of their series (HttpRequestMetrics), from a Fastify onResponse hook
 * that runs after the answer was sent. Gauges that need a query (the outbox) are read at scrape time.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');

  private readonly requests = new HttpRequestMetrics(LATENCY_BUCKETS);
  private readonly storeErrors = new Counter({
    name: `${METRICS_PREFIX}store_errors_total`, help: 'Requests answered 503 because the store could not be reached or written.',
    registers: [this.registry],
  });
  private readonly feedEvents = new Counter({
    name: `${METRICS_PREFIX}revocation_events_total`,
    help: 'Revocation feed events applied to this instance\'s revocation index, by kind, whichever instance wrote them (sri: SRI listed, watermark: global revocation, session/user_sessions: sessions ended, token/token_family/client_tokens: tokens revoked).',
    labelNames: ['kind'] as const, registers: [this.registry],
  });
  private readonly usersRevoked = new Counter({
    name: `${METRICS_PREFIX}global_revocations_total`, help: 'Global revocations of a user (every token and session) this instance committed.',
    registers: [this.registry],
  });
  private readonly unmatched = new Counter({
    name: `${METRICS_PREFIX}global_revocation_unmatched_total`,
    help: 'Global token revocation requests whose subject matched no user (nothing revoked), by subject format (attribute: Janssen\'s form).',
    labelNames: ['format'] as const, registers: [this.registry],
  });
  private readonly sessionsEnded = new Counter({
    name: `${METRICS_PREFIX}sessions_ended_total`, help: 'User sessions this instance ended, by reason (global_token_revocation, end_session, session revocation, admin…).',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  private readonly signIns = new Counter({
    name: `${METRICS_PREFIX}sign_ins_total`,
    help: 'User sign-ins with a password on this instance, by result (success, failure: wrong password or unknown user, throttled: refused unchecked past SIGN_IN_FAILURES_*) and way in (password_grant, form).',
    labelNames: ['result', 'via'] as const, registers: [this.registry],
  });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly index: RevocationIndex,
    private readonly outbox: NotificationOutboxRepository,
    events: SessionEvents,
    authenticator: ClientAuthenticator,
    signer: TokenSigner,
    feed: RevocationFeedFollower,
    clients: ClientCache,
    signIns: PasswordSignIn,
    @Optional() audit?: AuditRecorder,
    @Optional() auditFile?: FileAuditSink,
    @Optional() revocations?: GlobalRevocationEvents,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
    this.requests.register(
      this.registry,
      { name: `${METRICS_PREFIX}http_requests_total`, help: 'HTTP requests answered, by method, route pattern and status.' },
      { name: `${METRICS_PREFIX}http_request_duration_seconds`, help: 'Time from receiving a request to sending its answer, by method, route pattern and status.' },
    );
    feed.onEventApplied((kind) => this.feedEvents.inc({ kind }));
    events.on('session.ended', (e) => this.sessionsEnded.inc({ reason: e.reason }, e.sessions.length));
    events.on('user.revoked', () => this.usersRevoked.inc());
    if (revocations) {
      for (const format of ALL_SUB_ID_FORMATS) this.unmatched.inc({ format }, 0);
      revocations.on('subject.unmatched', (e) => this.unmatched.inc({ format: e.format }));
    }
    // Every series from the start, so a rate over a quiet instance is 0 rather than missing.
    for (const result of ['success', 'failure', 'throttled']) for (const via of ['password_grant', 'form']) this.signIns.inc({ result, via }, 0);
    signIns.onAttempt((result, via) => this.signIns.inc({ result, via }));
    const build = buildInfo();
    new Gauge({
      name: `${METRICS_PREFIX}build_info`, help: 'Always 1; its labels say what runs: the package version, the commit (BUILD_COMMIT at build time) and Node.js.',
      labelNames: ['version', 'commit', 'node'] as const, registers: [this.registry],
    }).set({ version: build.version, commit: build.commit, node: build.node }, 1);
    const { index: idx, outbox: box, logger } = this;
    new Gauge({
      name: `${METRICS_PREFIX}revocation_list_size`, help: 'SRIs on the session revocation list, as this instance\'s index holds them.',
      registers: [this.registry], collect() { this.set(idx.listedCount()); },
    });
    const caches = { client_record: () => clients.stats(), client_secret: () => authenticator.cacheStats(), access_token: () => signer.cacheStats() };
    new Counter({
      name: `${METRICS_PREFIX}cache_lookups_total`,
      help: 'In-memory cache lookups by cache and result: client_record (client records, else read from the store), client_secret (verified client secrets, else scrypt), access_token (verified access-token signatures, else verified anew).',
      labelNames: ['cache', 'result'] as const, registers: [this.registry],
      collect() {
        this.reset();
        for (const [cache, stats] of Object.entries(caches)) {
          const s = stats();
          this.inc({ cache, result: 'hit' }, s.hits);
          this.inc({ cache, result: 'miss' }, s.misses);
        }
      },
    });
    if (audit) {
      new Counter({
        name: `${METRICS_PREFIX}audit_lines_not_written_total`,
        help: 'runtime-api.log lines of unauthenticated callers not written, by reason: suppressed (past the AUDIT_REFUSAL_* limits), dropped (while the disk was behind); each counted in a summary line.',
        labelNames: ['reason'] as const, registers: [this.registry],
        collect() {
          this.reset();
          this.inc({ reason: 'suppressed' }, audit.suppressedLines);
          this.inc({ reason: 'dropped' }, auditFile?.shedTotal ?? 0);
        },
      });
      new Counter({
        name: `${METRICS_PREFIX}audit_requests_held_total`, help: 'Audited requests that waited for the runtime-api.log to catch up with the disk.',
        registers: [this.registry], collect() { this.reset(); this.inc(audit.heldRequests); },
      });
    }
    new Gauge({
      name: `${METRICS_PREFIX}notification_outbox`, help: 'Back-channel logout and CAEP notifications in the outbox, by status (pending is the delivery backlog).',
      labelNames: ['status'] as const, registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const [status, n] of Object.entries(await box.countByStatus())) this.set({ status }, n);
        } catch (err) {
          // A scrape still answers while the store is down; the series are missing until it is back.
          logger.warn(`Cannot count the notification outbox: ${(err as Error).message}`);
        }
      },
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (typeof fastify?.addHook !== 'function') return;
    fastify.addHook('onResponse', (request, reply, done) => {
      this.observe(request, reply);
      done();
    });
  }

  observe(request: FastifyRequest, reply: FastifyReply): void {
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    this.requests.observe(method, request.routeOptions?.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
    if ((request as StoreOutageMarked).storeOutage) this.storeErrors.inc();
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
