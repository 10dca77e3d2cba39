import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

/** `.cellar/` in the checkout (git-ignored): local secrets, logs and the running stack's pids. */
export const STATE_DIR = resolve(process.env['CELLAR_STATE_DIR'] ?? '.cellar');
export const STACK_FILE = join(STATE_DIR, 'stack.json');

export interface StackState {
  startedAt: string;
  supervisorPid: number;
  apps: { name: string; pid: number; logFile: string }[];
  kafkaStateFile: string;
}

/** A secret generated once per checkout and kept in `.cellar/` with mode 0600. */
export function localSecret(name: string, make: () => string = () => randomBytes(32).toString('base64url')): string {
  mkdirSync(STATE_DIR, { recursive: true, mode: 0o700 });
  const file = join(STATE_DIR, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}

export function readStackState(): StackState | undefined {
  try {
    return JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}
