import { CkusError } from './ckus.error';
import type { LogicalClusterLimits } from './limits';

/**
 * Kafka client quotas for one principal (a SCRAM user), keyed by Kafka's own quota names:
 * exactly the keys AlterClientQuotas accepts on a `user=<name>` entity, so the record can
 * be applied as it is. Kafka enforces each value on every broker separately.
 */
export interface ClientQuotas {
  /** Produce bytes/s per broker (a whole number: Kafka types it as a long). */
  producer_byte_rate: number;
  /** Fetch bytes/s per broker (a long as well). */
  consumer_byte_rate: number;
  /** Share of the broker's request-handler and network threads, in % of one thread. */
  request_percentage: number;
}

/**
 * Broker thread time one client request is assumed to cost, in microseconds, to turn
 * requests/s into request_percentage. Deliberately generous (typical produce and fetch
 * requests take 0.1-0.5 ms of handler plus network thread time): underestimating it would
 * throttle tenants that stay within their requests/s; overestimating it only lets cheap
 * requests exceed the nominal rate, which the thread-time quota is indifferent to anyway.
 */
export const DEFAULT_REQUEST_COST_MICROS = 500;

export interface QuotaOptions {
  /** See DEFAULT_REQUEST_COST_MICROS. */
  requestCostMicros?: number;
  /**
   * How many principals (API keys) of the logical cluster share its limits. Kafka applies a
   * user quota to each user on its own, so with N keys each gets 1/N of the cell's share;
   * otherwise N keys together could use N times the limit. Default 1.
   */
  principals?: number;
}

/**
 * Per-broker client quotas for a logical cluster whose cell has `cellBrokerCount` brokers.
 *
 * Kafka enforces quotas per broker, so each limit is split evenly over the cell's brokers
 * (and over the principals sharing it) and floored: the sum over brokers never exceeds the
 * limit and falls short of it by less than one unit per broker. A share is never below 1:
 * Kafka refuses a quota of 0, and it would block the principal outright anyway.
 *
 * request_percentage = requests/s per broker x cost per request (s) x 100: KIP-124 measures
 * the quota in % of one thread's time, out of (num.io.threads + num.network.threads) x 100.
 * With the defaults, 2 CKUs (30,000 requests/s) on 3 brokers is 10,000 requests/s x 500 us
 * = 5 thread-seconds per second = 500%.
 *
 * Connection attempts are not here: Kafka takes `connection_creation_rate` only on `ip`
 * entities, not on users (see connectionCreationRateFor).
 */
export function quotasFor(limits: LogicalClusterLimits, cellBrokerCount: number, options: QuotaOptions = {}): ClientQuotas {
  const requestCostMicros = options.requestCostMicros ?? DEFAULT_REQUEST_COST_MICROS;
  const principals = options.principals ?? 1;
  const problems = brokerCountProblems(cellBrokerCount);
  if (!Number.isSafeInteger(principals) || principals < 1) problems.push(`principals must be a positive integer, got ${principals}`);
  if (!Number.isFinite(requestCostMicros) || requestCostMicros <= 0) problems.push(`requestCostMicros must be a positive number, got ${requestCostMicros}`);
  if (problems.length > 0) throw new CkusError('invalid_cku_input', `cannot compute quotas: ${problems.join('; ')}`, { problems });

  const shares = cellBrokerCount * principals;
  return {
    producer_byte_rate: share(limits.ingressBytesPerSecond, shares),
    consumer_byte_rate: share(limits.egressBytesPerSecond, shares),
    // x 100 (percent) / 1,000,000 (us per s) = / 10,000.
    request_percentage: share((limits.requestsPerSecond * requestCostMicros) / 10_000, shares),
  };
}

/**
 * Connection attempts per second per broker: the logical cluster's limit split evenly over
 * its cell's brokers, floored, never below 1.
 *
 * This is the value for Kafka's `connection_creation_rate`, but Kafka accepts that key only
 * on an `ip` entity (KIP-612) and refuses it on a user, so it cannot be set per tenant:
 * tenants' clients share no address Cellar knows. Use it to report usage against the limit,
 * or as a broker-wide `max.connection.creation.rate` floor per listener.
 */
export function connectionCreationRateFor(limits: LogicalClusterLimits, cellBrokerCount: number): number {
  const problems = brokerCountProblems(cellBrokerCount);
  if (problems.length > 0) throw new CkusError('invalid_cku_input', `cannot compute the connection rate: ${problems.join('; ')}`, { problems });
  return share(limits.connectionAttemptsPerSecond, cellBrokerCount);
}

function brokerCountProblems(cellBrokerCount: number): string[] {
  return Number.isSafeInteger(cellBrokerCount) && cellBrokerCount >= 1 ? [] : [`cellBrokerCount must be a positive integer, got ${cellBrokerCount}`];
}

function share(limit: number, shares: number): number {
  return Math.max(1, Math.floor(limit / shares));
}
