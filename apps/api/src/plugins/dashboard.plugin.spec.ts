import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellarApp } from '../app';
import { buildTestApp } from '../test-fixtures';

describe('/dashboard', () => {
  let app: CellarApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('serves the page without a token (it holds no data), locked down by its content security policy', async () => {
    const page = await app.inject('/dashboard');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script src="/dashboard/dashboard.js" type="module"></script>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves its script, its styles and uPlot from the installed package', async () => {
    for (const [url, type] of [
      ['/dashboard/dashboard.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/dashboard.css', 'text/css; charset=utf-8'],
      ['/dashboard/vendor/uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
      ['/dashboard/vendor/uPlot.min.css', 'text/css; charset=utf-8'],
    ] as const) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toBe(type);
      expect(response.body.length, url).toBeGreaterThan(500);
    }
  });

  it('serves nothing else from disk', async () => {
    for (const url of ['/dashboard/../package.json', '/dashboard/index.html', '/dashboard/vendor/uPlot.d.ts', '/dashboard/%2e%2e/src/app.ts']) {
      expect((await app.inject(url)).statusCode, url).not.toBe(200);
    }
    expect((await app.inject('/dashboard/')).headers['location']).toBe('/dashboard');
  });

  it('is left out of the OpenAPI document', async () => {
    const spec = (await app.inject('/docs/json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/dashboard'))).toEqual([]);
  });
});
