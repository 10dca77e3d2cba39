/**
 * The topic configs a tenant may set, and the values each may take. Pure: data in, data out.
 *
 * Everything else is refused rather than passed through: a tenant shares its brokers with
 * others, so settings such as `unclean.leader.election.enable`, `preallocate`,
 * `follower.replication.throttled.replicas` or `message.downconversion.enable` are the
 * operator's, and a key Cellar does not know is more likely a typo than a wish.
 */

/** What the value of one allowed key must satisfy; `replicationFactor` is the topic's. */
type ValueRule = (value: string, topic: { replicationFactor: number }) => string | undefined;

const MIB = 1024 * 1024;

const integer =
  (check: (n: number, topic: { replicationFactor: number }) => string | undefined): ValueRule =>
  (value, topic) => {
    if (!/^-?\d{1,18}$/.test(value)) return 'must be a whole number';
    const n = Number(value);
    if (!Number.isSafeInteger(n)) return 'is too large';
    return check(n, topic);
  };

const atLeast = (min: number, allowUnlimited = false): ValueRule =>
  integer((n) => {
    if (allowUnlimited && n === -1) return undefined;
    if (n >= min) return undefined;
    return allowUnlimited ? `must be -1 (unlimited) or at least ${min}` : `must be at least ${min}`;
  });

const between = (min: number, max: number): ValueRule =>
  integer((n) => (n >= min && n <= max ? undefined : `must be between ${min} and ${max}`));

const oneOf =
  (...allowed: string[]): ValueRule =>
  (value) =>
    allowed.includes(value) ? undefined : `must be one of ${allowed.join(', ')}`;

const ratio: ValueRule = (value) => {
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value)) return 'must be a number between 0 and 1';
  return undefined;
};

export const TOPIC_CONFIG_RULES: Readonly<Record<string, ValueRule>> = Object.freeze({
  'retention.ms': atLeast(60_000, true),
  'retention.bytes': atLeast(1, true),
  'cleanup.policy': oneOf('delete', 'compact', 'delete,compact', 'compact,delete'),
  'max.message.bytes': between(1, 8 * MIB),
  'min.insync.replicas': integer((n, { replicationFactor }) =>
    n >= 1 && n <= replicationFactor ? undefined : `must be between 1 and the replication factor (${replicationFactor})`,
  ),
  'segment.bytes': between(MIB, 1024 * MIB),
  'segment.ms': atLeast(600_000),
  'compression.type': oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
  'message.timestamp.type': oneOf('CreateTime', 'LogAppendTime'),
  'delete.retention.ms': atLeast(0),
  'min.compaction.lag.ms': atLeast(0),
  'max.compaction.lag.ms': atLeast(1),
  'min.cleanable.dirty.ratio': ratio,
});

export const ALLOWED_TOPIC_CONFIGS: readonly string[] = Object.freeze(Object.keys(TOPIC_CONFIG_RULES).sort());

export interface TopicConfigProblem {
  key: string;
  value: string;
  message: string;
}

export type TopicConfigCheck =
  | { ok: true; configs: Record<string, string> }
  /** `notAllowed` wins: a request naming unknown keys is refused for those before values are looked at. */
  | { ok: false; notAllowed: string[]; invalid: TopicConfigProblem[] };

/**
 * Checks a tenant's topic configs and fills in Cellar's defaults: min.insync.replicas=2 when
 * the replication factor is 3 or more (so acks=all survives one broker down without
 * accepting writes on a single copy), unless the tenant chose otherwise.
 */
export function checkTopicConfigs(configs: Readonly<Record<string, string>>, topic: { replicationFactor: number }): TopicConfigCheck {
  const notAllowed = Object.keys(configs)
    .filter((key) => !Object.hasOwn(TOPIC_CONFIG_RULES, key))
    .sort();
  if (notAllowed.length > 0) return { ok: false, notAllowed, invalid: [] };

  const invalid: TopicConfigProblem[] = [];
  for (const [key, value] of Object.entries(configs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const message = (TOPIC_CONFIG_RULES[key] as ValueRule)(value, topic);
    if (message !== undefined) invalid.push({ key, value, message });
  }
  if (invalid.length > 0) return { ok: false, notAllowed: [], invalid };

  const withDefaults = { ...configs };
  if (topic.replicationFactor >= 3 && withDefaults['min.insync.replicas'] === undefined) withDefaults['min.insync.replicas'] = '2';
  return { ok: true, configs: withDefaults };
}
