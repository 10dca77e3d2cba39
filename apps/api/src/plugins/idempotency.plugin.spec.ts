import { describe, expect, it } from 'vitest';
import { canonicalJson, IDEMPOTENCY_KEY_MAX_LENGTH, idempotencyKeyProblem, idempotencyRequestHash, idempotencyScope } from './idempotency.plugin';

describe('idempotencyKeyProblem', () => {
  it.each([
    ['a UUID', '0b6f1c1e-2f4e-4c55-9a43-0b9a1f2d3c4e'],
    ['one character', 'x'],
    ['printable punctuation and spaces', 'order 42: retry #1 (~ok)'],
    ['exactly the maximum length', 'k'.repeat(IDEMPOTENCY_KEY_MAX_LENGTH)],
  ])('accepts %s', (_what, key) => {
    expect(idempotencyKeyProblem(key)).toBeUndefined();
  });

  it.each([
    ['an empty key', ''],
    ['a key one character too long', 'k'.repeat(IDEMPOTENCY_KEY_MAX_LENGTH + 1)],
    ['a control character', 'abc\tdef'],
    ['a non-ASCII character', 'clé'],
    ['several headers', ['a', 'b']],
  ])('refuses %s', (_what, key) => {
    expect(idempotencyKeyProblem(key)).toEqual(expect.any(String));
  });
});

describe('idempotencyScope', () => {
  it('gives operators one shared scope and every tenant its own', () => {
    expect(idempotencyScope({ kind: 'operator' })).toBe('operator');
    expect(idempotencyScope({ kind: 'tenant', tenantId: 't1' })).toBe('tenant:t1');
    expect(idempotencyScope({ kind: 'tenant', tenantId: 't2' })).not.toBe(idempotencyScope({ kind: 'tenant', tenantId: 't1' }));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined fields as JSON does, and gives an empty string for no body', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson(undefined)).toBe('');
  });
});

describe('idempotencyRequestHash', () => {
  const hash = (method: string, url: string, body: unknown) => idempotencyRequestHash(method, url, body);

  it('is the same for the same request whatever the key order of the body', () => {
    expect(hash('POST', '/v1/tenants', { name: 'acme', x: { b: 2, a: 1 } })).toBe(hash('post', '/v1/tenants', { x: { a: 1, b: 2 }, name: 'acme' }));
  });

  it('is a sha256 in hex', () => {
    expect(hash('POST', '/v1/tenants', { name: 'acme' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when the body, the path (with its ids), the query or the method differ', () => {
    const base = hash('POST', '/v1/logical-clusters/lkc-aaaaaa/topics', { name: 't', partitions: 3 });
    expect(hash('POST', '/v1/logical-clusters/lkc-aaaaaa/topics', { name: 't', partitions: 4 })).not.toBe(base);
    expect(hash('POST', '/v1/logical-clusters/lkc-bbbbbb/topics', { name: 't', partitions: 3 })).not.toBe(base);
    expect(hash('POST', '/v1/logical-clusters/lkc-aaaaaa/topics?dryRun=true', { name: 't', partitions: 3 })).not.toBe(base);
    expect(hash('PUT', '/v1/logical-clusters/lkc-aaaaaa/topics', { name: 't', partitions: 3 })).not.toBe(base);
  });

  it('tells an empty object from no body', () => {
    expect(hash('POST', '/v1/kafka-clusters/x/refresh', undefined)).not.toBe(hash('POST', '/v1/kafka-clusters/x/refresh', {}));
  });
});
