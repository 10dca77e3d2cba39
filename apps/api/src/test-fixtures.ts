import { buildApp, type AppDeps } from './app';
import { parseApiConfig, type ApiConfig } from './config';
import type { ReadinessCheck } from './readiness';

/** Shared by the specs: fixed secrets, and readiness checks that are plain functions. */
export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
export const SECRET_KEY_BASE64 = Buffer.alloc(32, 7).toString('base64');

export function minimalEnv(): Record<string, string> {
  return { CELLAR_OPERATOR_TOKEN: OPERATOR_TOKEN, CELLAR_SECRET_KEY: SECRET_KEY_BASE64 };
}

export function testConfig(env: Record<string, string | undefined> = {}): ApiConfig {
  return parseApiConfig({ ...minimalEnv(), ...env });
}

export const passingCheck = (name: string): ReadinessCheck => ({ name, check: async () => undefined });

export const failingCheck = (name: string, message: string): ReadinessCheck => ({
  name,
  check: async () => {
    throw new Error(message);
  },
});

/** Never answers on its own; records whether the timeout aborted it. */
export function hangingCheck(name: string): ReadinessCheck & { aborted: () => boolean } {
  let aborted = false;
  return {
    name,
    aborted: () => aborted,
    check: (signal) =>
      new Promise<void>(() => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
      }),
  };
}

export function buildTestApp(deps: Partial<AppDeps> = {}, config: ApiConfig = testConfig()) {
  return buildApp(config, { readinessChecks: [passingCheck('postgres'), passingCheck('redis')], ...deps });
}

export const operatorAuth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
