import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';

/**
 * /dashboard, the SRE view: a static page (apps/api/dashboard) that reads the operator API
 * with the token the operator gives it, and uPlot for its charts. The page itself holds no
 * data, so it is served without a token; every number on it comes from the authenticated API.
 * A fixed list of files, read once: nothing on disk is reachable by a crafted path.
 */
const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboard');
const UPLOT_DIST = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

const FILES: Record<string, { path: string; type: string; cache: string }> = {
  '/dashboard': { path: join(DASHBOARD_DIR, 'index.html'), type: 'text/html; charset=utf-8', cache: 'no-cache' },
  '/dashboard/dashboard.js': { path: join(DASHBOARD_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8', cache: 'no-cache' },
  '/dashboard/dashboard.css': { path: join(DASHBOARD_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8', cache: 'no-cache' },
  '/dashboard/vendor/uPlot.iife.min.js': { path: join(UPLOT_DIST, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8', cache: 'public, max-age=86400' },
  '/dashboard/vendor/uPlot.min.css': { path: join(UPLOT_DIST, 'uPlot.min.css'), type: 'text/css; charset=utf-8', cache: 'public, max-age=86400' },
};

/** Scripts, styles and API calls from this origin only; the page may not be framed. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const dashboardPlugin = fp(
  async (app) => {
    for (const [url, file] of Object.entries(FILES)) {
      const body = readFileSync(file.path);
      app.get(url, { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
        reply
          .header('content-type', file.type)
          .header('cache-control', file.cache)
          .header('content-security-policy', CONTENT_SECURITY_POLICY)
          .header('x-content-type-options', 'nosniff')
          .header('referrer-policy', 'no-referrer')
          .send(body),
      );
    }
    app.get('/dashboard/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/dashboard'));
  },
  { name: 'cellar-dashboard', fastify: '5.x' },
);
