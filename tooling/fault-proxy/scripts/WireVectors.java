// Writes test/fixtures/wire-vectors.json: Kafka 4.3.0's own bytes for the frames the fault proxy parses, so its
// targeted parsers are checked against Kafka rather than against themselves.
//   - responses advertising broker addresses (Metadata, FindCoordinator, DescribeCluster), every version Kafka knows,
//     each with the frame Kafka writes when every broker is moved to 127.0.0.1:(40000 + nodeId);
//   - Produce request frames (every version x acks x transactional id) with the header facts the proxy reads.
// Run: scripts/regenerate-vectors.sh (java 17+, kafka-clients 4.3.0 from the local Maven repository).
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.internal.MemoryRecords;

public class WireVectors {
  static final int CORRELATION_ID = 0x1234567;
  static final List<String> entries = new ArrayList<>();

  static byte[] bytes(Message m, short v) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    ByteBuffer buf = ByteBuffer.allocate(m.size(cache, v));
    m.write(new ByteBufferAccessor(buf), cache, v);
    return buf.array();
  }

  static String frame(Message header, short headerVersion, Message body, short version) {
    byte[] h = bytes(header, headerVersion);
    byte[] b = bytes(body, version);
    ByteBuffer out = ByteBuffer.allocate(4 + h.length + b.length);
    out.putInt(h.length + b.length).put(h).put(b);
    StringBuilder sb = new StringBuilder();
    for (byte x : out.array()) sb.append(String.format("%02x", x));
    return sb.toString();
  }

  static RawTaggedField tag(int t, String text) {
    return new RawTaggedField(t, text.getBytes(StandardCharsets.UTF_8));
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\"", "\\\"") + "\"";
  }

  static void response(ApiKeys api, String name, Function<Boolean, Message> build, short v, String brokersJson) {
    short hv = api.responseHeaderVersion(v);
    ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(CORRELATION_ID);
    if (hv >= 1) header.unknownTaggedFields().add(tag(7, "hdr"));
    boolean flexible = hv >= 1;
    Message original = build.apply(false);
    Message moved = build.apply(true);
    if (flexible) addTags(original);
    if (flexible) addTags(moved);
    entries.add(String.format(
        "{\"kind\":\"response\",\"api\":\"%s\",\"apiKey\":%d,\"version\":%d,\"name\":\"%s\",\"brokers\":%s,\"hex\":\"%s\",\"rewrittenHex\":\"%s\"}",
        api.name, api.id, v, name, brokersJson, frame(header, hv, original, v), frame(header, hv, moved, v)));
  }

  /** Unknown tagged fields at the top level of a flexible message: bytes the proxy must carry through untouched. */
  static void addTags(Message m) {
    m.unknownTaggedFields().add(tag(90, "top-level"));
  }

  static String host(boolean moved, String original) {
    return moved ? "127.0.0.1" : original;
  }

  static int port(boolean moved, int nodeId, int original) {
    return moved && nodeId >= 0 ? 40000 + nodeId : original;
  }

  static Message metadata(boolean moved, short v) {
    MetadataResponseData d = new MetadataResponseData().setThrottleTimeMs(5).setControllerId(2);
    if (v >= 2) d.setClusterId("cluster-Ü");
    int[][] brokers = {{1, 9092}, {2, 19093}, {300, 7}};
    String[] hosts = {"broker-one.example", "b2", "a-much-longer-host-name-than-the-proxy-address.internal"};
    for (int i = 0; i < brokers.length; i++) {
      int nodeId = brokers[i][0];
      MetadataResponseData.MetadataResponseBroker b = new MetadataResponseData.MetadataResponseBroker()
          .setNodeId(nodeId).setHost(host(moved, hosts[i])).setPort(port(moved, nodeId, brokers[i][1]));
      if (v >= 1) b.setRack(i == 0 ? "rack-a" : null);
      if (v >= 9 && i == 1) b.unknownTaggedFields().add(tag(100, "broker-tag"));
      d.brokers().add(b);
    }
    MetadataResponseData.MetadataResponseTopic t = new MetadataResponseData.MetadataResponseTopic()
        .setErrorCode((short) 0).setName("topic-a").setIsInternal(false);
    if (v >= 10) t.setTopicId(Uuid.fromString("AAECAwQFBgcICQoLDA0ODw"));
    if (v >= 8) t.setTopicAuthorizedOperations(123);
    for (int p = 0; p < 3; p++) {
      MetadataResponseData.MetadataResponsePartition part = new MetadataResponseData.MetadataResponsePartition()
          .setPartitionIndex(p).setLeaderId(p % 2 + 1).setReplicaNodes(List.of(1, 2)).setIsrNodes(List.of(1));
      if (v >= 7) part.setLeaderEpoch(4);
      if (v >= 5) part.setOfflineReplicas(List.of(2));
      t.partitions().add(part);
    }
    d.topics().add(t);
    if (v >= 8 && v <= 10) d.setClusterAuthorizedOperations(77);
    return d;
  }

  static Message findCoordinator(boolean moved, short v, boolean error) {
    FindCoordinatorResponseData d = new FindCoordinatorResponseData();
    if (v >= 1) d.setThrottleTimeMs(3);
    if (v <= 3) {
      if (error) {
        d.setErrorCode((short) 15).setNodeId(-1).setHost("").setPort(-1);
        if (v >= 1) d.setErrorMessage("coordinator not available");
      } else {
        d.setErrorCode((short) 0).setNodeId(3).setHost(host(moved, "coordinator.example")).setPort(port(moved, 3, 9094));
      }
    } else {
      d.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey("group-a").setNodeId(3)
          .setHost(host(moved, "coordinator.example")).setPort(port(moved, 3, 9094)).setErrorCode((short) 0));
      FindCoordinatorResponseData.Coordinator failed = new FindCoordinatorResponseData.Coordinator().setKey("group-b")
          .setNodeId(-1).setHost("").setPort(-1).setErrorCode((short) 15).setErrorMessage("not yet");
      failed.unknownTaggedFields().add(tag(33, "coord-tag"));
      d.coordinators().add(failed);
      d.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey("group-c").setNodeId(4)
          .setHost(host(moved, "c4")).setPort(port(moved, 4, 9095)).setErrorCode((short) 0));
    }
    return d;
  }

  static Message describeCluster(boolean moved, short v) {
    DescribeClusterResponseData d = new DescribeClusterResponseData().setThrottleTimeMs(1).setErrorCode((short) 0)
        .setClusterId("cluster-x").setControllerId(1).setClusterAuthorizedOperations(9);
    if (v >= 1) d.setEndpointType((byte) 1);
    int[][] brokers = {{1, 9092}, {2, 9093}};
    for (int[] b : brokers) {
      DescribeClusterResponseData.DescribeClusterBroker broker = new DescribeClusterResponseData.DescribeClusterBroker()
          .setBrokerId(b[0]).setHost(host(moved, "node-" + b[0] + ".example")).setPort(port(moved, b[0], b[1]))
          .setRack(b[0] == 1 ? "r1" : null);
      if (v >= 2) broker.setIsFenced(b[0] == 2);
      d.brokers().add(broker);
    }
    return d;
  }

  static void produceRequest(short v, short acks, String transactionalId) {
    short hv = ApiKeys.PRODUCE.requestHeaderVersion(v);
    RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.PRODUCE.id).setRequestApiVersion(v)
        .setCorrelationId(CORRELATION_ID + v).setClientId("client-ü");
    if (hv >= 2) header.unknownTaggedFields().add(tag(5, "request-header-tag"));
    ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData();
    if (v >= 13) topic.setTopicId(Uuid.fromString("AAECAwQFBgcICQoLDA0ODw"));
    else topic.setName("topic-a");
    topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords.EMPTY));
    ProduceRequestData body = new ProduceRequestData().setAcks(acks).setTimeoutMs(30000)
        .setTransactionalId(transactionalId);
    body.topicData().add(topic);
    entries.add(String.format(
        "{\"kind\":\"request\",\"api\":\"Produce\",\"apiKey\":0,\"version\":%d,\"name\":\"acks=%d,transactionalId=%s\",\"correlationId\":%d,\"expectsResponse\":%b,\"hex\":\"%s\"}",
        v, acks, transactionalId, CORRELATION_ID + v, acks != 0, frame(header, hv, body, v)));
  }

  public static void main(String[] args) throws Exception {
    for (short v = ApiKeys.METADATA.oldestVersion(); v <= ApiKeys.METADATA.latestVersion(); v++) {
      final short version = v;
      response(ApiKeys.METADATA, "three-brokers", moved -> metadata(moved, version), v,
          "[{\"nodeId\":1,\"host\":\"broker-one.example\",\"port\":9092},{\"nodeId\":2,\"host\":\"b2\",\"port\":19093},"
              + "{\"nodeId\":300,\"host\":\"a-much-longer-host-name-than-the-proxy-address.internal\",\"port\":7}]");
    }
    for (short v = ApiKeys.FIND_COORDINATOR.oldestVersion(); v <= ApiKeys.FIND_COORDINATOR.latestVersion(); v++) {
      final short version = v;
      if (v <= 3) {
        response(ApiKeys.FIND_COORDINATOR, "found", moved -> findCoordinator(moved, version, false), v,
            "[{\"nodeId\":3,\"host\":\"coordinator.example\",\"port\":9094}]");
        response(ApiKeys.FIND_COORDINATOR, "error", moved -> findCoordinator(moved, version, true), v,
            "[{\"nodeId\":-1,\"host\":\"\",\"port\":-1}]");
      } else {
        response(ApiKeys.FIND_COORDINATOR, "batched", moved -> findCoordinator(moved, version, false), v,
            "[{\"nodeId\":3,\"host\":\"coordinator.example\",\"port\":9094},{\"nodeId\":-1,\"host\":\"\",\"port\":-1},"
                + "{\"nodeId\":4,\"host\":\"c4\",\"port\":9095}]");
      }
    }
    for (short v = ApiKeys.DESCRIBE_CLUSTER.oldestVersion(); v <= ApiKeys.DESCRIBE_CLUSTER.latestVersion(); v++) {
      final short version = v;
      response(ApiKeys.DESCRIBE_CLUSTER, "two-brokers", moved -> describeCluster(moved, version), v,
          "[{\"nodeId\":1,\"host\":\"node-1.example\",\"port\":9092},{\"nodeId\":2,\"host\":\"node-2.example\",\"port\":9093}]");
    }
    for (short v = ApiKeys.PRODUCE.oldestVersion(); v <= ApiKeys.PRODUCE.latestVersion(); v++) {
      for (short acks : new short[] {0, 1, -1}) {
        produceRequest(v, acks, null);
        produceRequest(v, acks, "tx-1");
      }
    }
    PrintStream out = new PrintStream(args[0], StandardCharsets.UTF_8);
    out.println("[\n" + String.join(",\n", entries) + "\n]");
    out.close();
    System.err.println("wrote " + entries.size() + " vectors to " + args[0]);
  }
}
