/**
 * The Kafka lines the harness can run. The default is the newest 4.x release whose
 * artifacts are all on Maven Central (4.4.0's kafka_2.13 POM names kafka-tools-api 4.4.0,
 * which Central does not have, so it cannot be resolved); CELLAR_KAFKA_VERSION=3.9
 * selects the 3.9 line. Command-line tools moved packages between the lines.
 */
export interface KafkaRelease {
  version: string;
  /** Maven profile in libs/kafka-harness/maven/pom.xml that adds the right logging backend. */
  mavenProfile: 'kafka-4' | 'kafka-3.9';
  logging: 'log4j2' | 'reload4j';
  tools: Record<KafkaToolName, string>;
}

export type KafkaToolName =
  | 'storage'
  | 'configs'
  | 'acls'
  | 'topics'
  | 'reassign'
  | 'leader-election'
  | 'log-dirs'
  | 'console-producer'
  | 'console-consumer'
  | 'metadata-quorum'
  | 'get-offsets';

const commonTools = {
  storage: 'kafka.tools.StorageTool',
  configs: 'kafka.admin.ConfigCommand',
  topics: 'org.apache.kafka.tools.TopicCommand',
  reassign: 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  'leader-election': 'org.apache.kafka.tools.LeaderElectionCommand',
  'log-dirs': 'org.apache.kafka.tools.LogDirsCommand',
  'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'metadata-quorum': 'org.apache.kafka.tools.MetadataQuorumCommand',
  'get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
} as const;

export const KAFKA_RELEASES: Record<string, KafkaRelease> = {
  '4.3.1': {
    version: '4.3.1',
    mavenProfile: 'kafka-4',
    logging: 'log4j2',
    tools: { ...commonTools, acls: 'org.apache.kafka.tools.AclCommand', 'console-producer': 'org.apache.kafka.tools.ConsoleProducer' },
  },
  '3.9.2': {
    version: '3.9.2',
    mavenProfile: 'kafka-3.9',
    logging: 'reload4j',
    tools: { ...commonTools, acls: 'kafka.admin.AclCommand', 'console-producer': 'kafka.tools.ConsoleProducer' },
  },
};

export const DEFAULT_KAFKA_VERSION = '4.3.1';

const ALIASES: Record<string, string> = { '4': '4.3.1', '4.3': '4.3.1', '3': '3.9.2', '3.9': '3.9.2' };

/** Resolves CELLAR_KAFKA_VERSION (a full version or a line such as `3.9`) to a release. */
export function resolveKafkaRelease(requested: string | undefined): KafkaRelease {
  const version = requested ? (ALIASES[requested] ?? requested) : DEFAULT_KAFKA_VERSION;
  const release = KAFKA_RELEASES[version];
  if (!release) {
    throw new Error(
      `Kafka ${requested} is not supported by the harness; use one of ${Object.keys(KAFKA_RELEASES).join(', ')} (or 3.9 / 4).`,
    );
  }
  return release;
}
