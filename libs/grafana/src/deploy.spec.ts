import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { DASHBOARD_FILE, repositoryFile } from './files';
import { PROMETHEUS_DATASOURCE_UID } from './datasource';

// There is no Docker engine in CI: these read docker-compose.yml and deploy/ as Compose,
// Prometheus and Grafana would, and check that the pieces point at each other.

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: string[] | Record<string, unknown>;
  volumes?: string[];
}

/** Parses YAML as Compose does: anchors, aliases and `<<` merge keys; any error fails. */
function readYaml(path: string): unknown {
  const document = parseDocument(readFileSync(repositoryFile(path), 'utf8'), { merge: true, uniqueKeys: true });
  expect(document.errors.map(String), path).toEqual([]);
  expect(document.warnings.map(String), path).toEqual([]);
  return document.toJS({ maxAliasCount: 1000 });
}

const compose = readYaml('docker-compose.yml') as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;
const prometheusConfig = readYaml('deploy/prometheus/prometheus.yml') as { scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[]; labels?: Record<string, string> }[] }[] };

const env = (service: Service, name: string) => (service.environment?.[name] === undefined ? undefined : String(service.environment[name]));
const dependencies = (service: Service) => (Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {}));
/** `source:target[:mode]` volume entries of a service. */
const mounts = (service: Service) => (service.volumes ?? []).map((volume) => ({ source: volume.split(':')[0]!, target: volume.split(':')[1]! }));
const mountedAt = (service: Service, source: string) => mounts(service).find((mount) => mount.source === source)?.target;
const isCellarProcess = (service: Service) => /apps\/[\w-]+\/src\/[\w-]+\.ts/.test([service.command ?? []].flat().join(' '));
const isKafkaNode = (service: Service) => env(service, 'KAFKA_NODE_ID') !== undefined;

function scrapeTargets(): { job: string; host: string; port: number; labels: Record<string, string> }[] {
  return prometheusConfig.scrape_configs.flatMap((job) =>
    job.static_configs.flatMap((group) =>
      group.targets.map((target) => {
        const [host, port] = target.split(':');
        return { job: job.job_name, host: host!, port: Number(port), labels: group.labels ?? {} };
      }),
    ),
  );
}

describe('docker-compose.yml', () => {
  it('parses, and every service has an image or a build and depends only on services that exist', () => {
    expect(Object.keys(services).length).toBeGreaterThan(10);
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, `${name}: image or build`).toBeDefined();
      for (const dependency of dependencies(service)) expect(services, `${name} depends on ${dependency}`).toHaveProperty([dependency]);
    }
  });

  it('mounts only repository files that exist and named volumes it declares', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const { source } of mounts(service)) {
        if (source.startsWith('./')) expect(existsSync(repositoryFile(source)), `${name} mounts ${source}`).toBe(true);
        else expect(compose.volumes, `${name} mounts the volume ${source}`).toHaveProperty([source]);
      }
    }
  });

  it('commits no password, token or secret: each comes from the environment', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|TOKEN|SECRET/.test(variable)) expect(String(value), `${name} ${variable}`).toMatch(/^\$\{[A-Z_]+(:\?[^}]*)?\}$/);
      }
    }
  });

  it('starts every Kafka node with the JMX exporter agent and the committed rules', () => {
    const agent = services['jmx-exporter-agent']!;
    const pom = readFileSync(repositoryFile('libs/kafka-harness/maven/pom.xml'), 'utf8');
    expect(env(agent, 'JMX_EXPORTER_VERSION')).toBe(/<jmx\.exporter\.version>([^<]+)</.exec(pom)?.[1]);
    const nodes = Object.entries(services).filter(([, service]) => isKafkaNode(service));
    expect(nodes.map(([name]) => name)).toEqual(['controller', 'broker-1', 'broker-2', 'broker-3']);
    for (const [name, node] of nodes) {
      const options = /^-javaagent:(\S+)\/jmx_prometheus_javaagent\.jar=(\d+):(\S+)$/.exec(env(node, 'KAFKA_OPTS') ?? '');
      expect(options, `${name} KAFKA_OPTS`).not.toBeNull();
      expect(mountedAt(node, 'jmx-exporter-agent'), `${name} mounts the agent`).toBe(options![1]);
      expect(mountedAt(node, './deploy/kafka/jmx-exporter.yaml'), `${name} mounts the rules`).toBe(options![3]);
      expect(dependencies(node), `${name} waits for the agent`).toContain('jmx-exporter-agent');
    }
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  const targets = scrapeTargets();

  it("scrapes the API on its PORT and each worker on its METRICS_PORT, listening beyond the container's loopback", () => {
    const cellar = Object.entries(services).filter(([, service]) => isCellarProcess(service));
    expect(cellar.map(([name]) => name).sort()).toEqual(['api', 'balancer', 'degradation-detector', 'tenancy-worker']);
    for (const [name, service] of cellar) {
      const target = targets.find((t) => t.host === name);
      expect(target, `${name} is scraped`).toBeDefined();
      const port = env(service, 'METRICS_PORT') ?? env(service, 'PORT');
      expect(target!.port, `${name} port`).toBe(Number(port));
      expect(env(service, 'METRICS_HOST') ?? env(service, 'HOST'), `${name} host`).toBe('0.0.0.0');
    }
  });

  it("scrapes every Kafka node's exporter, labelling it with its cluster's name and brokers with their node id", () => {
    for (const [name, node] of Object.entries(services).filter(([, service]) => isKafkaNode(service))) {
      const target = targets.find((t) => t.host === name);
      expect(target, `${name} is scraped`).toBeDefined();
      expect(target!.port, `${name} exporter port`).toBe(Number(/=(\d+):/.exec(env(node, 'KAFKA_OPTS')!)![1]));
      expect(target!.labels['cluster_name'], `${name} cluster_name label`).toBeTruthy();
      // `cluster` is the physical cluster's id on every cellar_ series; a name there mixes the two.
      expect(target!.labels['cluster'], `${name} has no cluster label`).toBeUndefined();
      if (env(node, 'KAFKA_PROCESS_ROLES') === 'broker') expect(target!.labels['broker'], `${name} broker label`).toBe(env(node, 'KAFKA_NODE_ID'));
      else expect(target!.labels['broker'], `${name} is no broker`).toBeUndefined();
    }
  });

  it('scrapes only services that exist, and is mounted where Prometheus reads its configuration', () => {
    for (const target of targets) expect(services, `${target.job} target ${target.host}`).toHaveProperty([target.host]);
    expect(mountedAt(services['prometheus']!, './deploy/prometheus/prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
  });
});

describe('deploy/grafana', () => {
  const grafana = services['grafana']!;

  it('runs the Grafana release whose schema package validates the dashboard', () => {
    const schemaPackage = createRequire(import.meta.url)('@grafana/schema/package.json') as { version: string };
    expect(grafana.image).toBe(`grafana/grafana:${schemaPackage.version}`);
  });

  it('provisions the Prometheus data source under the uid every panel names', () => {
    expect(mountedAt(grafana, './deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const { datasources } = readYaml('deploy/grafana/provisioning/datasources/prometheus.yaml') as { datasources: { uid: string; type: string; url: string }[] };
    expect(datasources).toHaveLength(1);
    expect(datasources[0]).toMatchObject({ uid: PROMETHEUS_DATASOURCE_UID, type: 'prometheus' });
    const url = new URL(datasources[0]!.url);
    expect(services).toHaveProperty([url.hostname]);
    expect(mountedAt(services[url.hostname]!, './deploy/prometheus/prometheus.yml')).toBeDefined();
  });

  it('loads the dashboards folder with a file provider, and opens on the Cellar dashboard', () => {
    const { providers } = readYaml('deploy/grafana/provisioning/dashboards/cellar.yaml') as { providers: { type: string; options: { path: string } }[] };
    const folder = mountedAt(grafana, './deploy/grafana/dashboards');
    expect(providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: folder }) })]);
    expect(DASHBOARD_FILE).toBe(repositoryFile('deploy/grafana/dashboards/cellar.json'));
    expect(env(grafana, 'GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH')).toBe(`${folder}/cellar.json`);
  });
});
