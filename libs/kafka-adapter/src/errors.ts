/** Closed set of failures the adapter reports; callers branch on `code`, never on messages. */
export const KAFKA_ERROR_CODES = [
  'kafka_unreachable',
  'kafka_authentication_failed',
  'kafka_authorization_failed',
  'kafka_topic_exists',
  'kafka_unknown_topic',
  'kafka_invalid_request',
  'kafka_invalid_config',
  'kafka_reassignment_in_progress',
  'kafka_no_reassignment_in_progress',
  'kafka_election_not_needed',
  'kafka_preferred_leader_not_available',
  'kafka_resource_not_found',
  'kafka_timeout',
  'kafka_error',
] as const;
export type KafkaErrorCode = (typeof KAFKA_ERROR_CODES)[number];

export class KafkaAdapterError extends Error {
  constructor(
    readonly code: KafkaErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KafkaAdapterError';
  }
}

/** Kafka protocol error codes (org.apache.kafka.common.protocol.Errors) the adapter tells apart. */
const BY_PROTOCOL_CODE: Record<number, [KafkaErrorCode, boolean]> = {
  3: ['kafka_unknown_topic', true],
  7: ['kafka_timeout', true],
  29: ['kafka_authorization_failed', false],
  31: ['kafka_authorization_failed', false],
  36: ['kafka_topic_exists', false],
  40: ['kafka_invalid_config', false],
  42: ['kafka_invalid_request', false],
  58: ['kafka_authentication_failed', false],
  60: ['kafka_reassignment_in_progress', true],
  80: ['kafka_preferred_leader_not_available', true],
  84: ['kafka_election_not_needed', false],
  85: ['kafka_no_reassignment_in_progress', false],
  91: ['kafka_resource_not_found', false],
};

/** kafkajs reports protocol errors by their Java-style name in `type`. */
const BY_KAFKAJS_TYPE: Record<string, [KafkaErrorCode, boolean]> = {
  UNKNOWN_TOPIC_OR_PARTITION: ['kafka_unknown_topic', true],
  TOPIC_ALREADY_EXISTS: ['kafka_topic_exists', false],
  TOPIC_AUTHORIZATION_FAILED: ['kafka_authorization_failed', false],
  CLUSTER_AUTHORIZATION_FAILED: ['kafka_authorization_failed', false],
  GROUP_AUTHORIZATION_FAILED: ['kafka_authorization_failed', false],
  SASL_AUTHENTICATION_FAILED: ['kafka_authentication_failed', false],
  INVALID_REQUEST: ['kafka_invalid_request', false],
  INVALID_CONFIG: ['kafka_invalid_config', false],
  INVALID_REPLICA_ASSIGNMENT: ['kafka_invalid_request', false],
  INVALID_TOPIC_EXCEPTION: ['kafka_invalid_request', false],
  INVALID_PARTITIONS: ['kafka_invalid_request', false],
  INVALID_REPLICATION_FACTOR: ['kafka_invalid_request', false],
  REASSIGNMENT_IN_PROGRESS: ['kafka_reassignment_in_progress', true],
  NO_REASSIGNMENT_IN_PROGRESS: ['kafka_no_reassignment_in_progress', false],
  REQUEST_TIMED_OUT: ['kafka_timeout', true],
};

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: string | number;
  errors?: Record<string, unknown> | unknown[];
  retriable?: boolean;
  canRetry?: boolean;
}

function firstProtocolCode(error: ErrorLike): number | undefined {
  // @platformatic/kafka: ResponseError carries per-location protocol errors with a numeric `apiCode`.
  const nested = Array.isArray(error.errors) ? error.errors : Object.values(error.errors ?? {});
  for (const inner of nested as ({ apiCode?: number } | [number, unknown])[]) {
    if (Array.isArray(inner) && typeof inner[0] === 'number') return inner[0];
    if (inner && typeof (inner as { apiCode?: number }).apiCode === 'number') return (inner as { apiCode: number }).apiCode;
  }
  return undefined;
}

/** Whether the error, or one it wraps (`errors`, `cause`; @platformatic/kafka nests them), is a refused login. */
function isAuthenticationFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as ErrorLike & { cause?: unknown };
  if (e.code === 'PLT_KFK_AUTHENTICATION' || e.name === 'KafkaJSSASLAuthenticationError') return true;
  // "Request SaslHandshake(…) timed out" is a broker that does not answer, not a refused login.
  if (/SASL|authenticat/i.test(e.message ?? '') && !/timed out/i.test(e.message ?? '')) return true;
  const nested = Array.isArray(e.errors) ? e.errors : Object.values(e.errors ?? {});
  return [...nested, e.cause].some((inner) => isAuthenticationFailure(inner, depth + 1));
}

/** Turns whatever a Kafka client threw into a KafkaAdapterError with a stable code. */
export function toKafkaError(error: unknown, action: string): KafkaAdapterError {
  if (error instanceof KafkaAdapterError) return error;
  const e = (error ?? {}) as ErrorLike;
  const message = `${action}: ${e.message ?? String(error)}`;
  const byType = e.type ? BY_KAFKAJS_TYPE[e.type] : undefined;
  if (byType) return new KafkaAdapterError(byType[0], message, byType[1], { cause: error });
  const protocolCode = firstProtocolCode(e);
  const byCode = protocolCode === undefined ? undefined : BY_PROTOCOL_CODE[protocolCode];
  if (byCode) return new KafkaAdapterError(byCode[0], message, byCode[1], { cause: error });
  if (isAuthenticationFailure(error)) {
    return new KafkaAdapterError('kafka_authentication_failed', message, false, { cause: error });
  }
  if (/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|Connection|connect/i.test(e.message ?? '') || e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSNumberOfRetriesExceeded') {
    return new KafkaAdapterError('kafka_unreachable', message, true, { cause: error });
  }
  if (/timed? ?out/i.test(e.message ?? '') || e.name === 'KafkaJSRequestTimeoutError' || e.name === 'TimeoutError') {
    return new KafkaAdapterError('kafka_timeout', message, true, { cause: error });
  }
  return new KafkaAdapterError('kafka_error', message, Boolean(e.retriable ?? e.canRetry), { cause: error });
}

/** Runs a client call and normalises any failure. */
export async function attempt<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKafkaError(error, action);
  }
}
