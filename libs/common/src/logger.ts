import type { LoggerOptions } from 'pino';

/**
 * Paths pino censors in every log line, in the API and the workers alike: bearer
 * tokens, API secrets and SASL passwords never reach a log.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.adminSasl.password',
  'sasl.password',
  'config.operatorToken',
  'config.secretKey',
  'config.adminSasl.password',
  'config.kafka.adminSasl.password',
];

export function loggerOptions(app: string, level: string): LoggerOptions {
  return {
    name: app,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { app },
  };
}
