import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellarApp } from '../app';
import { buildTestApp, OPERATOR_TOKEN, operatorAuth } from '../test-fixtures';
import { bearerToken, type ResolveTenantToken } from './auth.plugin';

describe('auth plugin', () => {
  let app: CellarApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('answers 401 problem+json without a token', async () => {
    const response = await app.inject('/v1/whoami');
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.json()).toMatchObject({ type: 'urn:cellar:problem:unauthorized', status: 401, code: 'unauthorized' });
  });

  it('answers 401 with a wrong token, or a right one in the wrong scheme', async () => {
    for (const authorization of [
      'Bearer not-the-operator-token-at-all',
      `Bearer ${OPERATOR_TOKEN}x`,
      `Bearer ${OPERATOR_TOKEN.slice(0, -1)}`,
      `Basic ${OPERATOR_TOKEN}`,
      OPERATOR_TOKEN,
    ]) {
      const response = await app.inject({ url: '/v1/whoami', headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
      expect(response.json().code).toBe('unauthorized');
    }
  });

  it('answers 200 with the operator token and names the principal', async () => {
    const response = await app.inject({ url: '/v1/whoami', headers: operatorAuth });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ kind: 'operator' });
  });

  it('asks for a token before saying a route does not exist', async () => {
    expect((await app.inject('/v1/no-such-thing')).statusCode).toBe(401);
    expect((await app.inject({ url: '/v1/no-such-thing', headers: operatorAuth })).statusCode).toBe(404);
  });

  it('lets health, metrics and docs through without a token', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/docs', '/docs/json', '/docs/static/swagger-ui.css']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(200);
    }
  });

  it('passes other tokens to resolveTenantToken', async () => {
    const resolveTenantToken: ResolveTenantToken = async (token) =>
      token === 'tenant-token' ? { kind: 'tenant', tenantId: 'tenant-1' } : undefined;
    const tenantApp = await buildTestApp({ resolveTenantToken });
    try {
      const tenant = await tenantApp.inject({ url: '/v1/whoami', headers: { authorization: 'Bearer tenant-token' } });
      expect(tenant.json()).toEqual({ kind: 'tenant', tenantId: 'tenant-1' });
      const operator = await tenantApp.inject({ url: '/v1/whoami', headers: operatorAuth });
      expect(operator.json()).toEqual({ kind: 'operator' });
      const stranger = await tenantApp.inject({ url: '/v1/whoami', headers: { authorization: 'Bearer other' } });
      expect(stranger.statusCode).toBe(401);
    } finally {
      await tenantApp.close();
    }
  });
});

describe('bearerToken', () => {
  it('takes the token out of a Bearer header, case-insensitively', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer abc')).toBe('abc');
  });
  it('refuses other schemes and malformed headers', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
  });
});
