// A Java KafkaConsumer with group.protocol=consumer (KIP-848) against one broker: it reads back a topic this
// program produced, then two consumers of one group split its partitions. Printed as sorted key=value lines
// so two brokers' answers can be compared. Run as a single-file program:
//   java -cp <kafka-clients 4.3.0 + slf4j-api> ConsumerCalls.java <bootstrap> <topic> <group>
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class ConsumerCalls {
  static final int PARTITIONS = 4;
  static final int RECORDS = 40;
  static final long DEADLINE_MS = 90_000;
  static final TreeMap<String, String> out = new TreeMap<>();

  static void put(String key, Object value) {
    out.put(key, String.valueOf(value));
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, String group, String clientId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  static void describe(Admin admin, String prefix, String group) throws Exception {
    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    put(prefix + ".type", d.type());
    put(prefix + ".state", d.groupState());
    put(prefix + ".members", d.members().size());
    put(prefix + ".assignor", d.partitionAssignor());
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1], group = args[2];
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
      Properties pp = new Properties();
      pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
        for (int i = 0; i < RECORDS; i++) producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, "v" + i));
        producer.flush();
      }

      // One consumer reads everything back and commits.
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<String, String> c = consumer(bootstrap, group, "one")) {
        c.subscribe(List.of(topic));
        long end = System.currentTimeMillis() + DEADLINE_MS;
        while (values.size() < RECORDS && System.currentTimeMillis() < end) {
          for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) values.add(r.partition() + ":" + r.value());
        }
        c.commitSync();
        put("one.assignment", c.assignment().size());
        describe(admin, "one.group", group);
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new HashSet<>(c.assignment()));
        long sum = 0;
        for (OffsetAndMetadata o : committed.values()) sum += o == null ? -1 : o.offset();
        put("one.committed.sum", sum);
      }
      Collections.sort(values);
      put("one.read", values.size());
      put("one.values", String.join(",", values));
      describe(admin, "one.closed", group);

      // Two consumers of another group split the partitions (polled in turn from this thread).
      String two = group + "-two";
      try (KafkaConsumer<String, String> a = consumer(bootstrap, two, "a");
           KafkaConsumer<String, String> b = consumer(bootstrap, two, "b")) {
        a.subscribe(List.of(topic));
        b.subscribe(List.of(topic));
        Set<String> seen = new TreeSet<>();
        long end = System.currentTimeMillis() + DEADLINE_MS;
        boolean split = false;
        while (System.currentTimeMillis() < end) {
          for (ConsumerRecord<String, String> r : a.poll(Duration.ofMillis(100))) seen.add(r.value());
          for (ConsumerRecord<String, String> r : b.poll(Duration.ofMillis(100))) seen.add(r.value());
          Set<TopicPartition> union = new HashSet<>(a.assignment());
          union.addAll(b.assignment());
          split = a.assignment().size() == 2 && b.assignment().size() == 2 && union.size() == PARTITIONS;
          if (split && seen.size() == RECORDS) break;
        }
        put("two.split", split);
        put("two.sizes", a.assignment().size() + "+" + b.assignment().size());
        put("two.distinct", seen.size());
        describe(admin, "two.group", two);
      }
      describe(admin, "two.closed", two);
      ListGroupsResult listed = admin.listGroups();
      for (GroupListing g : listed.all().get()) {
        if (g.groupId().equals(group) || g.groupId().equals(two)) {
          put("list." + g.groupId().substring(group.length()) + ".type", g.type().orElse(null));
          put("list." + g.groupId().substring(group.length()) + ".protocol", g.protocol());
          put("list." + g.groupId().substring(group.length()) + ".state", g.groupState().orElse(null));
        }
      }
      put("deleted", admin.deleteConsumerGroups(List.of(group, two)).all().get() == null);
    }
    for (Map.Entry<String, String> e : out.entrySet()) System.out.println(e.getKey() + "=" + e.getValue());
  }
}
