/** `npm run down`: stops the stack `npm run up` started (its supervisor stops the rest). */
import { rmSync } from 'node:fs';
import { isAlive, stopClusterFromState } from '@cellar/kafka-harness';
import { readStackState, STACK_FILE } from './state';

const say = (line: string) => process.stdout.write(`cellar: ${line}\n`);

async function main(): Promise<void> {
  const state = readStackState();
  if (!state) {
    say('no running stack is recorded (nothing to stop)');
    return;
  }
  if (isAlive(state.supervisorPid)) {
    process.kill(state.supervisorPid, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (isAlive(state.supervisorPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  }
  // If the supervisor was killed hard, stop what it left.
  for (const app of state.apps) if (app.pid && isAlive(app.pid)) process.kill(app.pid, 'SIGTERM');
  await stopClusterFromState(state.kafkaStateFile);
  rmSync(STACK_FILE, { force: true });
  say('stopped');
}

void main();
