import { fileURLToPath } from 'node:url';
import { expectWorkerLifecycle } from '@cellar/test-support/worker-process';
import { describe, it } from 'vitest';
import { QUEUE_NAME } from '../src/worker';

describe(`${QUEUE_NAME} worker process`, () => {
  it('starts, keeps its heartbeat and tick schedules under its prefix, and exits 0 on SIGTERM', async () => {
    await expectWorkerLifecycle(fileURLToPath(new URL('..', import.meta.url)), QUEUE_NAME, {
      env: { CELLAR_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') },
      schedulers: ['balancer-tick', 'heartbeat'],
    });
  });
});
