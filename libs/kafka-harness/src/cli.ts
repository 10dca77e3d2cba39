/**
 * npm run kafka:fetch | kafka:start | kafka:stop
 *   fetch  resolve the Kafka jars from Maven Central into the cache (once)
 *   start  start the local cluster in the foreground; Ctrl-C stops it
 *   stop   stop a cluster started by `start` in another terminal
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KafkaCluster, stopClusterFromState } from './cluster';
import { HarnessError } from './errors';
import { ensureKafkaDistribution } from './fetch-kafka';
import { resolveKafkaRelease } from './versions';

const stateDir = resolve(process.env['CELLAR_STATE_DIR'] ?? '.cellar');
const pointer = join(stateDir, 'kafka.json');
const log = (line: string) => process.stdout.write(`kafka: ${line}\n`);

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'fetch': {
      const dist = await ensureKafkaDistribution(resolveKafkaRelease(process.env['CELLAR_KAFKA_VERSION']), log);
      log(`Kafka ${dist.release.version} jars in ${dist.libsDir}`);
      return;
    }
    case 'start': {
      const cluster = await KafkaCluster.start({ log });
      const info = cluster.info();
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(pointer, JSON.stringify({ ...info, stateFile: join(info.dataDir, 'cluster.json') }, null, 2), { mode: 0o600 });
      log(`bootstrap servers (SASL/SCRAM-SHA-512): ${info.bootstrapServers.join(',')}`);
      log(`admin user: ${info.admin.username} (password in ${pointer})`);
      // In the foreground until a signal: the brokers are this process's children and go with it.
      const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
        const keepAlive = setInterval(() => undefined, 60_000);
        const stop = (received: NodeJS.Signals) => {
          clearInterval(keepAlive);
          resolveSignal(received);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      log(`${signal}: stopping`);
      await cluster.stop();
      rmSync(pointer, { force: true });
      return;
    }
    case 'stop': {
      let stateFile: string | undefined;
      try {
        stateFile = (JSON.parse(readFileSync(pointer, 'utf8')) as { stateFile: string }).stateFile;
      } catch {
        log('no local Kafka is recorded as running');
        return;
      }
      await stopClusterFromState(stateFile);
      rmSync(pointer, { force: true });
      log('stopped');
      return;
    }
    default:
      process.stderr.write('usage: cli.ts fetch|start|stop\n');
      process.exit(64);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`kafka: ${error instanceof HarnessError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
