import { createHash } from 'node:crypto';
import { decryptSecret, encryptSecret, type PrismaClient, type SecretKey } from '@cellar/db';
import { TenancyError } from '@cellar/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from './auth.plugin';
import { PROBLEM_CONTENT_TYPE } from './problem-details.plugin';
import { isUniqueViolation } from '../unique-violation';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** How long a finished response is replayed for. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A record still without a response after this long belongs to a process that died
 * mid-request; the next retry takes it over instead of waiting 24 hours on a 409.
 */
export const IDEMPOTENCY_IN_FLIGHT_LEASE_MS = 5 * 60 * 1000;
/** Expired records are deleted by the requests themselves, at most this often per process. */
export const IDEMPOTENCY_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface IdempotencyPluginOptions {
  prisma: PrismaClient;
  /**
   * Recorded bodies are sealed with it (AES-256-GCM): they can hold what must never sit in
   * the database in clear, a new tenant's token or an API key's secret.
   */
  secretKey: SecretKey;
  /** Injectable clock for tests. */
  now?: () => Date;
}

/** Printable ASCII (space to tilde), 1 to 255 characters. */
const KEY_PATTERN = /^[\x20-\x7E]+$/;

/** Why `key` is not an acceptable Idempotency-Key, or undefined when it is. */
export function idempotencyKeyProblem(key: string | string[] | undefined): string | undefined {
  if (Array.isArray(key)) return 'send one Idempotency-Key header, not several';
  if (key === undefined || key.length === 0) return 'the Idempotency-Key header is empty';
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) return `the Idempotency-Key header is longer than ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`;
  if (!KEY_PATTERN.test(key)) return 'the Idempotency-Key header may hold only printable ASCII characters';
  return undefined;
}

/** Whose keys these are: operators share one scope, each tenant has its own. */
export function idempotencyScope(principal: Principal): string {
  return principal.kind === 'operator' ? 'operator' : `tenant:${principal.tenantId}`;
}

/** JSON with object keys sorted at every depth, so equal bodies hash equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value)) as unknown));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}

/**
 * sha256 over method, URL (path with its parameters filled in, and query) and canonical body:
 * the same key sent with another request is refused rather than answered with a stranger's response.
 */
export function idempotencyRequestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()}\n${url}\n${canonicalJson(body)}`, 'utf8').digest('hex');
}

type Pending = { id: string; settled: boolean };

/**
 * `Idempotency-Key` on POST requests. The record is inserted before the handler runs, so a
 * concurrent duplicate hits the (scope, key) unique index: 409 while the first is in flight,
 * the recorded response once it finished. 2xx and 4xx responses are recorded and replayed
 * with `Idempotent-Replayed: true`; 5xx and failed requests drop the record so a retry runs
 * again. The same key with another request (method, URL or body) answers 422.
 * Requests that fail authentication or schema validation never reach it and record nothing.
 */
export const idempotencyPlugin = fp<IdempotencyPluginOptions>(
  async (app, { prisma, secretKey, now = () => new Date() }) => {
    const pending = new WeakMap<FastifyRequest, Pending>();
    let prunedAt = 0;

    function pruneExpired(request: FastifyRequest, at: Date): void {
      if (at.getTime() - prunedAt < IDEMPOTENCY_PRUNE_INTERVAL_MS) return;
      prunedAt = at.getTime();
      // Off the request's path: a failed prune only leaves rows for the next one.
      prisma.idempotencyRecord
        .deleteMany({ where: { expiresAt: { lte: at } } })
        .then(({ count }) => count > 0 && request.log.info({ count }, 'pruned expired idempotency records'))
        .catch((error: unknown) => request.log.warn({ err: error }, 'pruning expired idempotency records failed'));
    }

    async function release(request: FastifyRequest): Promise<void> {
      const record = pending.get(request);
      if (!record || record.settled) return;
      record.settled = true;
      await prisma.idempotencyRecord.deleteMany({ where: { id: record.id, responseStatus: null } });
    }

    app.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'POST' || request.principal === null) return;
      const key = request.headers[IDEMPOTENCY_KEY_HEADER];
      if (key === undefined) return;
      const problem = idempotencyKeyProblem(key);
      if (problem !== undefined || typeof key !== 'string') {
        throw new TenancyError('idempotency_key_invalid', `Invalid Idempotency-Key: ${problem ?? 'unreadable'}.`, {
          details: { errors: [{ in: 'headers', path: IDEMPOTENCY_KEY_HEADER, message: problem ?? 'is invalid' }] },
        });
      }
      const scope = idempotencyScope(request.principal);
      const requestHash = idempotencyRequestHash(request.method, request.url, request.body);
      pruneExpired(request, now());

      // Two rounds at most: an expired or abandoned record is removed, then the insert is retried.
      for (let round = 0; round < 2; round += 1) {
        const at = now();
        try {
          const created = await prisma.idempotencyRecord.create({
            data: { scope, key, requestHash, createdAt: at, expiresAt: new Date(at.getTime() + IDEMPOTENCY_TTL_MS) },
            select: { id: true },
          });
          pending.set(request, { id: created.id, settled: false });
          return;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
        const existing = await prisma.idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
        if (!existing) continue; // removed between the insert and the read
        const abandoned = existing.responseStatus === null && existing.createdAt.getTime() <= at.getTime() - IDEMPOTENCY_IN_FLIGHT_LEASE_MS;
        if (existing.expiresAt <= at || abandoned) {
          await prisma.idempotencyRecord.deleteMany({ where: { id: existing.id, responseStatus: existing.responseStatus, createdAt: existing.createdAt } });
          continue;
        }
        if (existing.requestHash !== requestHash) {
          throw new TenancyError('idempotency_key_reused', 'This Idempotency-Key was used with another request; use a new key for a new request.', {
            details: { key },
          });
        }
        if (existing.responseStatus === null) {
          reply.header('retry-after', '1');
          throw new TenancyError('idempotency_request_in_flight', 'A request with this Idempotency-Key is still in progress; retry shortly.', {
            details: { key },
          });
        }
        return replay(reply, existing.responseStatus, openBody(existing.responseBody, secretKey));
      }
      throw new TenancyError('idempotency_request_in_flight', 'A request with this Idempotency-Key is changing hands; retry shortly.', { details: { key } });
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const record = pending.get(request);
      if (!record || record.settled) return payload;
      if (reply.statusCode >= 500) {
        await release(request);
        return payload;
      }
      const body = recordableBody(payload);
      if (body === undefined) {
        await release(request);
        return payload;
      }
      record.settled = true;
      await prisma.idempotencyRecord.updateMany({
        where: { id: record.id },
        data: { responseStatus: reply.statusCode, responseBody: { sealed: encryptSecret(body, secretKey) } },
      });
      return payload;
    });

    // A process that dies before onSend leaves the record in flight; the lease above frees it.
  },
  { name: 'cellar-idempotency', fastify: '5.x', dependencies: ['cellar-auth', 'cellar-problem-details'] },
);

/**
 * The JSON text a finished response carried, '' for an empty body, or undefined when it
 * cannot be replayed (a stream, or not JSON).
 */
function recordableBody(payload: unknown): string | undefined {
  if (payload === null || payload === undefined || payload === '') return '';
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (text === undefined) return undefined;
  try {
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}

/** The recorded body text ('' for none) from its sealed form. */
function openBody(stored: unknown, secretKey: SecretKey): string {
  const sealed = (stored as { sealed?: unknown } | null)?.sealed;
  return typeof sealed === 'string' ? decryptSecret(sealed, secretKey) : '';
}

function replay(reply: FastifyReply, status: number, body: string): FastifyReply {
  reply.status(status).header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  if (body === '') return reply.send();
  // Sent as text: the recorded body was already serialized by the route's schema.
  return reply.type(status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8').send(body);
}
