import { describe, expect, it } from 'vitest';
import { ALLOWED_TOPIC_CONFIGS, checkTopicConfigs } from './topic-configs';

const rf3 = { replicationFactor: 3 };

describe('checkTopicConfigs', () => {
  it('allows exactly the documented keys', () => {
    expect(ALLOWED_TOPIC_CONFIGS).toEqual([
      'cleanup.policy',
      'compression.type',
      'delete.retention.ms',
      'max.compaction.lag.ms',
      'max.message.bytes',
      'message.timestamp.type',
      'min.cleanable.dirty.ratio',
      'min.compaction.lag.ms',
      'min.insync.replicas',
      'retention.bytes',
      'retention.ms',
      'segment.bytes',
      'segment.ms',
    ]);
  });

  it.each([
    ['retention.ms', '-1'],
    ['retention.ms', '60000'],
    ['retention.ms', '604800000'],
    ['retention.bytes', '-1'],
    ['retention.bytes', '1'],
    ['cleanup.policy', 'delete'],
    ['cleanup.policy', 'compact'],
    ['cleanup.policy', 'delete,compact'],
    ['cleanup.policy', 'compact,delete'],
    ['max.message.bytes', '1'],
    ['max.message.bytes', '8388608'],
    ['min.insync.replicas', '1'],
    ['min.insync.replicas', '3'],
    ['segment.bytes', '1048576'],
    ['segment.bytes', '1073741824'],
    ['segment.ms', '600000'],
    ['compression.type', 'zstd'],
    ['compression.type', 'producer'],
    ['message.timestamp.type', 'LogAppendTime'],
    ['delete.retention.ms', '0'],
    ['min.compaction.lag.ms', '0'],
    ['max.compaction.lag.ms', '1'],
    ['min.cleanable.dirty.ratio', '0'],
    ['min.cleanable.dirty.ratio', '0.5'],
    ['min.cleanable.dirty.ratio', '1'],
    ['min.cleanable.dirty.ratio', '1.0'],
  ])('accepts %s=%s', (key, value) => {
    const result = checkTopicConfigs({ [key]: value }, rf3);
    expect(result).toMatchObject({ ok: true });
    if (result.ok) expect(result.configs[key]).toBe(value);
  });

  it.each([
    ['retention.ms', '59999', 'must be -1 (unlimited) or at least 60000'],
    ['retention.ms', '-2', 'must be -1 (unlimited) or at least 60000'],
    ['retention.ms', '1e6', 'must be a whole number'],
    ['retention.ms', ' 60000', 'must be a whole number'],
    ['retention.ms', '9999999999999999999', 'must be a whole number'],
    ['retention.bytes', '0', 'must be -1 (unlimited) or at least 1'],
    ['cleanup.policy', 'remove', 'must be one of delete, compact, delete,compact, compact,delete'],
    ['max.message.bytes', '0', 'must be between 1 and 8388608'],
    ['max.message.bytes', '8388609', 'must be between 1 and 8388608'],
    ['min.insync.replicas', '4', 'must be between 1 and the replication factor (3)'],
    ['min.insync.replicas', '0', 'must be between 1 and the replication factor (3)'],
    ['segment.bytes', '1048575', 'must be between 1048576 and 1073741824'],
    ['segment.ms', '599999', 'must be at least 600000'],
    ['compression.type', 'brotli', 'must be one of uncompressed, zstd, lz4, snappy, gzip, producer'],
    ['message.timestamp.type', 'createtime', 'must be one of CreateTime, LogAppendTime'],
    ['delete.retention.ms', '-1', 'must be at least 0'],
    ['max.compaction.lag.ms', '0', 'must be at least 1'],
    ['min.cleanable.dirty.ratio', '1.5', 'must be a number between 0 and 1'],
    ['min.cleanable.dirty.ratio', '-0.1', 'must be a number between 0 and 1'],
  ])('refuses %s=%s (%s)', (key, value, message) => {
    expect(checkTopicConfigs({ [key]: value }, rf3)).toEqual({ ok: false, notAllowed: [], invalid: [{ key, value, message }] });
  });

  it('lists every key outside the allow-list, sorted, before looking at values', () => {
    expect(checkTopicConfigs({ 'unclean.leader.election.enable': 'true', preallocate: 'true', 'retention.ms': '1' }, rf3)).toEqual({
      ok: false,
      notAllowed: ['preallocate', 'unclean.leader.election.enable'],
      invalid: [],
    });
  });

  it('reports every bad value at once', () => {
    const result = checkTopicConfigs({ 'segment.ms': '1', 'retention.ms': '1' }, rf3);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.invalid.map((p) => p.key)).toEqual(['retention.ms', 'segment.ms']);
  });

  it('defaults min.insync.replicas to 2 from replication factor 3 up, and keeps the tenant’s choice', () => {
    expect(checkTopicConfigs({}, rf3)).toEqual({ ok: true, configs: { 'min.insync.replicas': '2' } });
    expect(checkTopicConfigs({}, { replicationFactor: 2 })).toEqual({ ok: true, configs: {} });
    expect(checkTopicConfigs({ 'min.insync.replicas': '3' }, rf3)).toEqual({ ok: true, configs: { 'min.insync.replicas': '3' } });
  });

  it('bounds min.insync.replicas by the replication factor of the topic', () => {
    expect(checkTopicConfigs({ 'min.insync.replicas': '2' }, { replicationFactor: 1 }).ok).toBe(false);
  });
});
