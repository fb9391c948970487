// The Java AdminClient's set-up calls against one broker, printed as sorted key=value lines so two brokers'
// answers can be compared. Run as a single-file program: java -cp <kafka-clients 4.3.0 + slf4j-api> AdminCalls.java
//   <bootstrap> <topic> <group>
import java.util.*;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;

public class AdminCalls {
  static final TreeMap<String, String> out = new TreeMap<>();

  static void put(String key, Object value) {
    out.put(key, String.valueOf(value));
  }

  static String errorOf(Throwable t) {
    Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
    return cause.getClass().getSimpleName();
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1], group = args[2];
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();

      DescribeClusterResult cluster = admin.describeCluster();
      put("cluster.nodes", cluster.nodes().get().size());
      put("cluster.controller", cluster.controller().get().id());
      put("cluster.id.present", !cluster.clusterId().get().isEmpty());

      ConfigResource topicResource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "1");
      List<String> topicKeys = List.of("max.message.bytes", "retention.ms", "cleanup.policy",
          "message.timestamp.type", "segment.bytes", "compression.type");
      List<String> brokerKeys = List.of("message.max.bytes", "log.segment.bytes", "log.cleanup.policy",
          "log.retention.ms", "producer.id.expiration.ms");
      describe(admin, "before", topicResource, topicKeys);
      describe(admin, "broker", brokerResource, brokerKeys);

      admin.incrementalAlterConfigs(Map.of(topicResource, List.of(
          new AlterConfigOp(new ConfigEntry("retention.ms", "123456"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry("max.message.bytes", "2000"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND)))).all().get();
      describe(admin, "after", topicResource, topicKeys);
      try {
        admin.incrementalAlterConfigs(Map.of(topicResource, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET)))).all().get();
        put("alter.invalid", "accepted");
      } catch (ExecutionException e) {
        put("alter.invalid", errorOf(e));
      }
      admin.incrementalAlterConfigs(Map.of(topicResource, List.of(
          new AlterConfigOp(new ConfigEntry("cleanup.policy", ""), AlterConfigOp.OpType.DELETE)))).all().get();

      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get();
      put("partitions", waitForPartitions(admin, topic, 3));
      try {
        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get();
        put("partitions.shrink", "accepted");
      } catch (ExecutionException e) {
        put("partitions.shrink", errorOf(e));
      }

      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        for (int i = 0; i < 5; i++) producer.send(new ProducerRecord<>(topic, 2, "k" + i, "v" + i)).get();
      }
      TopicPartition tp2 = new TopicPartition(topic, 2);
      DeletedRecords deleted = admin.deleteRecords(Map.of(tp2, RecordsToDelete.beforeOffset(3))).lowWatermarks().get(tp2).get();
      put("deleteRecords.lowWatermark", deleted.lowWatermark());
      put("deleteRecords.earliest",
          admin.listOffsets(Map.of(tp2, OffsetSpec.earliest())).partitionResult(tp2).get().offset());
      put("deleteRecords.latest",
          admin.listOffsets(Map.of(tp2, OffsetSpec.latest())).partitionResult(tp2).get().offset());
      try {
        admin.deleteRecords(Map.of(tp2, RecordsToDelete.beforeOffset(99))).all().get();
        put("deleteRecords.past", "accepted");
      } catch (ExecutionException e) {
        put("deleteRecords.past", errorOf(e));
      }

      admin.alterConsumerGroupOffsets(group, Map.of(tp2, new OffsetAndMetadata(4))).all().get();
      put("group.committed",
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp2).offset());
      admin.deleteConsumerGroups(List.of(group)).all().get();
      put("group.deleted", "ok");
      try {
        admin.deleteConsumerGroups(List.of(group)).all().get();
        put("group.deletedAgain", "accepted");
      } catch (ExecutionException e) {
        put("group.deletedAgain", errorOf(e));
      }
      admin.deleteTopics(List.of(topic)).all().get();
    }
    for (Map.Entry<String, String> e : out.entrySet()) System.out.println(e.getKey() + "=" + e.getValue());
  }

  static void describe(Admin admin, String label, ConfigResource resource, List<String> keys) throws Exception {
    Config config = admin.describeConfigs(List.of(resource),
        new DescribeConfigsOptions().includeSynonyms(true)).all().get().get(resource);
    for (String key : keys) {
      ConfigEntry e = config.get(key);
      if (e == null) {
        put(label + "." + key, "missing");
        continue;
      }
      StringBuilder synonyms = new StringBuilder();
      for (ConfigEntry.ConfigSynonym s : e.synonyms()) {
        if (s.source() == ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG) continue; // tooling/kafka's server.properties
        synonyms.append(s.name()).append(':').append(s.value()).append(':').append(s.source()).append(' ');
      }
      put(label + "." + key, e.value() + " " + e.source() + " readOnly=" + e.isReadOnly() + " type=" + e.type()
          + " [" + synonyms.toString().trim() + "]");
    }
  }

  static int waitForPartitions(Admin admin, String topic, int want) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    int have = 0;
    while (System.currentTimeMillis() < deadline) {
      have = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      if (have == want) break;
      Thread.sleep(100);
    }
    return have;
  }
}
