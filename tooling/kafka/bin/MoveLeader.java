// Moves partition leadership the way an operator does: a reassignment that puts the wanted replica first (same
// replica set, so no data moves), then an ElectLeaders(PREFERRED) so it takes over. Run with the broker's own
// kafka-clients jar, in Java's single-file mode:
//
//   java -cp "$LIBS/*" MoveLeader.java BOOTSTRAP TOPIC PARTITION:LEADER [PARTITION:LEADER ...]
//
// Prints one line per partition, "moved P to L in N ms", once metadata shows it; exits 1 after 60 s otherwise.
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;

public class MoveLeader {
  private static final long LIMIT_MS = 60_000;

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: MoveLeader BOOTSTRAP TOPIC PARTITION:LEADER [PARTITION:LEADER ...]");
      System.exit(2);
    }
    String topic = args[1];
    Map<Integer, Integer> wanted = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] pair = args[i].split(":");
      wanted.put(Integer.parseInt(pair[0]), Integer.parseInt(pair[1]));
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    long started = System.nanoTime();
    long deadline = started + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
    try (Admin admin = Admin.create(props)) {
      TopicDescription before = describe(admin, topic);
      Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new HashMap<>();
      for (Map.Entry<Integer, Integer> e : wanted.entrySet()) {
        TopicPartitionInfo info = before.partitions().get(e.getKey());
        List<Integer> replicas = new ArrayList<>();
        replicas.add(e.getValue());
        for (Node n : info.replicas()) if (n.id() != e.getValue()) replicas.add(n.id());
        if (replicas.size() != info.replicas().size())
          throw new IllegalArgumentException("node " + e.getValue() + " is no replica of partition " + e.getKey());
        moves.put(new TopicPartition(topic, e.getKey()), Optional.of(new NewPartitionReassignment(replicas)));
      }
      admin.alterPartitionReassignments(moves).all().get(30, TimeUnit.SECONDS);
      // Same replica set, reordered: the reassignment completes at once, but wait for it rather than assume.
      while (!admin.listPartitionReassignments(moves.keySet()).reassignments().get(10, TimeUnit.SECONDS).isEmpty()) {
        if (System.nanoTime() > deadline) fail("reassignment still in progress after " + LIMIT_MS + " ms");
        Thread.sleep(50);
      }
      Map<TopicPartition, Optional<Throwable>> elected =
          admin.electLeaders(ElectionType.PREFERRED, moves.keySet()).partitions().get(30, TimeUnit.SECONDS);
      for (Map.Entry<TopicPartition, Optional<Throwable>> e : elected.entrySet()) {
        Optional<Throwable> error = e.getValue();
        if (error.isPresent() && !(error.get() instanceof ElectionNotNeededException))
          fail("ElectLeaders failed for " + e.getKey() + ": " + error.get());
      }
      Map<Integer, Boolean> done = new HashMap<>();
      while (done.size() < wanted.size()) {
        if (System.nanoTime() > deadline) fail("leaders not moved after " + LIMIT_MS + " ms: " + wanted);
        TopicDescription now = describe(admin, topic);
        for (Map.Entry<Integer, Integer> e : wanted.entrySet()) {
          Node leader = now.partitions().get(e.getKey()).leader();
          if (!done.containsKey(e.getKey()) && leader != null && leader.id() == e.getValue()) {
            done.put(e.getKey(), true);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.println("moved " + e.getKey() + " to " + e.getValue() + " in " + ms + " ms");
          }
        }
        if (done.size() < wanted.size()) Thread.sleep(50);
      }
    }
  }

  private static TopicDescription describe(Admin admin, String topic) throws Exception {
    return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
  }

  private static void fail(String message) {
    System.err.println("MoveLeader: " + message);
    System.exit(1);
  }
}
