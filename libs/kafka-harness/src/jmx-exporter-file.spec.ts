import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jmxExporterConfig } from './node-config';

// docker-compose.yml mounts this file into every Kafka node: the brokers there must export the
// names the detector, the balancer and the dashboard read, as the harness's brokers do.
const COMPOSE_RULES = new URL('../../../deploy/kafka/jmx-exporter.yaml', import.meta.url);

describe('deploy/kafka/jmx-exporter.yaml', () => {
  it('is exactly jmxExporterConfig(), so compose and the harness never export different names', () => {
    expect(readFileSync(COMPOSE_RULES, 'utf8'), 'copy jmxExporterConfig() from src/node-config.ts into deploy/kafka/jmx-exporter.yaml').toBe(jmxExporterConfig());
  });
});
