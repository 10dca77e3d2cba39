/**
 * Text of the files each Kafka JVM reads: server properties, logging, the JMX exporter
 * rules and the admin client properties used by Kafka's own command-line tools.
 * Pure functions of the topology, so the shapes are easy to read and test.
 */

export interface ListenerPorts {
  /** SASL_PLAINTEXT + SCRAM-SHA-512, what clients (and the adapter) use. */
  client: number;
  /** PLAINTEXT, inter-broker replication only. */
  internal: number;
}

export interface NodeLayout {
  nodeId: number;
  role: 'controller' | 'broker';
  rack?: string;
  dataDir: string;
  metricsPort: number;
  controllerPort?: number;
  ports?: ListenerPorts;
}

const HOST = '127.0.0.1';

export function serverProperties(node: NodeLayout, controller: { nodeId: number; port: number }, superUser: string): string {
  const common = [
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${controller.nodeId}@${HOST}:${controller.port}`,
    'controller.listener.names=CONTROLLER',
    `log.dirs=${node.dataDir}`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    // ANONYMOUS is the principal of the PLAINTEXT inter-broker and controller traffic.
    `super.users=User:${superUser};User:ANONYMOUS`,
    'allow.everyone.if.no.acl.found=false',
    // Small and quick on a 2-core machine.
    'num.network.threads=2',
    'num.io.threads=2',
    'background.threads=2',
    'num.recovery.threads.per.data.dir=1',
    'log.cleaner.dedupe.buffer.size=8388608',
    'log.cleaner.threads=1',
  ];
  if (node.role === 'controller') {
    return [
      'process.roles=controller',
      ...common,
      `listeners=CONTROLLER://${HOST}:${node.controllerPort}`,
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT',
      '',
    ].join('\n');
  }
  const ports = node.ports!;
  return [
    'process.roles=broker',
    ...common,
    `broker.rack=${node.rack}`,
    `listeners=CLIENT://${HOST}:${ports.client},INTERNAL://${HOST}:${ports.internal}`,
    `advertised.listeners=CLIENT://${HOST}:${ports.client},INTERNAL://${HOST}:${ports.internal}`,
    'listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=INTERNAL',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'default.replication.factor=3',
    'min.insync.replicas=2',
    'offsets.topic.replication.factor=3',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=3',
    'transaction.state.log.min.isr=2',
    'transaction.state.log.num.partitions=3',
    'share.coordinator.state.topic.replication.factor=3',
    'share.coordinator.state.topic.num.partitions=3',
    'group.initial.rebalance.delay.ms=0',
    'log.segment.bytes=16777216',
    '',
  ].join('\n');
}

export function brokerLogging(kind: 'log4j2' | 'reload4j'): string {
  if (kind === 'log4j2') {
    return [
      'status = warn',
      'appender.out.type = Console',
      'appender.out.name = OUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.out.ref = OUT',
      'logger.authz.name = kafka.authorizer.logger',
      'logger.authz.level = WARN',
      'logger.state.name = state.change.logger',
      'logger.state.level = WARN',
      'logger.request.name = kafka.request.logger',
      'logger.request.level = WARN',
      '',
    ].join('\n');
  }
  return [
    'log4j.rootLogger=INFO, out',
    'log4j.appender.out=org.apache.log4j.ConsoleAppender',
    'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.authorizer.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.request.logger=WARN',
    '',
  ].join('\n');
}

/** Command-line tools log warnings to stderr only, so their stdout is their answer. */
export function toolLogging(kind: 'log4j2' | 'reload4j'): string {
  if (kind === 'log4j2') {
    return [
      'status = error',
      'appender.err.type = Console',
      'appender.err.name = ERR',
      'appender.err.target = SYSTEM_ERR',
      'appender.err.layout.type = PatternLayout',
      'appender.err.layout.pattern = %p %m (%c)%n',
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.err.ref = ERR',
      '',
    ].join('\n');
  }
  return [
    'log4j.rootLogger=WARN, err',
    'log4j.appender.err=org.apache.log4j.ConsoleAppender',
    'log4j.appender.err.Target=System.err',
    'log4j.appender.err.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.err.layout.ConversionPattern=%p %m (%c)%n',
    '',
  ].join('\n');
}

/**
 * JMX exporter rules: Kafka's Yammer beans become `kafka_<domain>_<type>_<name>` with
 * their key properties as labels; meters export `_total` counters and, for the
 * *Percent meters, their one-minute rate; timers and histograms export percentiles
 * as `quantile` labels, and their all-time mean as `_mean` beside `_count`, from which a
 * reader gets the mean over any window (Yammer's percentiles come from a reservoir biased to
 * the last five minutes, so they report a spike for minutes after it ended). First matching
 * rule wins.
 */
export function jmxExporterConfig(): string {
  const key = '([^,=<>]+)';
  const value = '([^,<>]+)';
  return `# Generated by @cellar/kafka-harness
lowercaseOutputName: true
lowercaseOutputLabelNames: true
# Only the beans something reads (the detector, the balancer, usage sampling, the Grafana
# dashboard). Everything under kafka.network and kafka.log was 4,900 lines and half a second per
# scrape on an idle broker: RequestMetrics alone has nine histograms for each of 81 request types.
# JVM memory, GC and threads come from the agent's own jvm_* collectors.
includeObjectNames:
  - "kafka.server:type=BrokerTopicMetrics,*"
  - "kafka.server:type=ReplicaManager,*"
  - "kafka.server:type=KafkaRequestHandlerPool,*"
  - "kafka.server:type=DelayedOperationPurgatory,*"
  - "kafka.network:type=SocketServer,*"
  - "kafka.network:type=RequestChannel,*"
  - "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce"
  - "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=FetchConsumer"
  - "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=FetchFollower"
  - "kafka.network:type=RequestMetrics,name=RemoteTimeMs,request=Produce"
  - "kafka.network:type=RequestMetrics,name=RemoteTimeMs,request=FetchConsumer"
  - "kafka.network:type=RequestMetrics,name=ThrottleTimeMs,request=Produce"
  - "kafka.network:type=RequestMetrics,name=ThrottleTimeMs,request=FetchConsumer"
  - "kafka.network:type=RequestMetrics,name=RequestQueueTimeMs,request=Produce"
  - "kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,*"
  - "kafka.network:type=RequestMetrics,name=RequestsPerSec,request=FetchConsumer,*"
  - "kafka.log:type=LogFlushStats,*"
  - "kafka.controller:*"
rules:
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+Percent)><>OneMinuteRate'
    name: kafka_$1_$2_$3
    type: GAUGE
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+)PerSec, ${key}=${value}, ${key}=${value}><>Count'
    name: kafka_$1_$2_$3_total
    type: COUNTER
    labels: { "$4": "$5", "$6": "$7" }
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+)PerSec, ${key}=${value}><>Count'
    name: kafka_$1_$2_$3_total
    type: COUNTER
    labels: { "$4": "$5" }
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+)PerSec><>Count'
    name: kafka_$1_$2_$3_total
    type: COUNTER
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+), ${key}=${value}, ${key}=${value}><>Value'
    name: kafka_$1_$2_$3
    type: GAUGE
    labels: { "$4": "$5", "$6": "$7" }
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+), ${key}=${value}><>Value'
    name: kafka_$1_$2_$3
    type: GAUGE
    labels: { "$4": "$5" }
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+)><>Value'
    name: kafka_$1_$2_$3
    type: GAUGE
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+), ${key}=${value}><>Mean'
    name: kafka_$1_$2_$3_mean
    type: GAUGE
    labels: { "$4": "$5" }
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+)><>Mean'
    name: kafka_$1_$2_$3_mean
    type: GAUGE
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+), ${key}=${value}><>(\\d+)thPercentile'
    name: kafka_$1_$2_$3
    type: GAUGE
    labels: { "$4": "$5", quantile: "0.$6" }
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+)><>(\\d+)thPercentile'
    name: kafka_$1_$2_$3
    type: GAUGE
    labels: { quantile: "0.$4" }
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+), ${key}=${value}><>Count'
    name: kafka_$1_$2_$3_count
    type: COUNTER
    labels: { "$4": "$5" }
  - pattern: 'kafka.(\\w+)<type=${value}, name=(\\w+)><>Count'
    name: kafka_$1_$2_$3_count
    type: COUNTER
`;
}

export function adminClientProperties(username: string, password: string): string {
  return [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`,
    '',
  ].join('\n');
}
