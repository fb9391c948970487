package dev.idem.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Protocol message bodies (no size prefix, no header) written by Kafka's generated {@code *Data} classes,
 * paired with the generated {@code *DataJsonConverter} output for the same object and version.
 */
final class MessageVectors {
    /** One output file: an API (request + response schema) or a header schema, with the versions we emit. */
    record Target(String file, String api, String[] schemas, String[] kinds, int lo, int hi) {}

    static final List<Target> TARGETS = List.of(
            api("ApiVersions", 0, 4),
            // 4.3 defines v6 (KIP-939 2PC) but marks it latestVersionUnstable; we stop at the last stable one.
            api("InitProducerId", 0, 5),
            api("Produce", 3, 13),
            api("Metadata", 0, 13),
            api("DescribeProducers", 0, 0),
            new Target("RequestHeader", "RequestHeader", new String[] {"RequestHeader"}, new String[] {"request"}, 1, 2),
            new Target("ResponseHeader", "ResponseHeader", new String[] {"ResponseHeader"}, new String[] {"response"}, 0, 1));

    private static Target api(String api, int lo, int hi) {
        return new Target(api, api, new String[] {api + "Request", api + "Response"},
                new String[] {"request", "response"}, lo, hi);
    }

    /** Notes about the schemas worth reporting (e.g. valid ranges wider than what we emit). */
    static final List<String> NOTES = new ArrayList<>();

    static ArrayNode generate(Target t) throws Exception {
        ArrayNode out = Json.F.arrayNode();
        for (int s = 0; s < t.schemas().length; s++) {
            Schema schema = Schema.load(t.schemas()[s]);
            if (!schema.valid.contains(t.lo()) || !schema.valid.contains(t.hi())) {
                throw new IllegalStateException(schema.name + ": requested versions " + t.lo() + "-" + t.hi()
                        + " outside validVersions " + schema.valid.lo() + "-" + schema.valid.hi());
            }
            if (schema.valid.lo() != t.lo() || schema.valid.hi() != t.hi()) {
                NOTES.add(schema.name + ": validVersions " + schema.valid.lo() + "-" + schema.valid.hi()
                        + (schema.latestVersionUnstable ? " (latest unstable)" : "")
                        + ", emitted " + t.lo() + "-" + t.hi());
            }
            Class<?> dataClass = Class.forName("org.apache.kafka.common.message." + schema.name + "Data");
            Class<?> conv = Class.forName(dataClass.getName() + "JsonConverter");
            Method toJson = conv.getMethod("write", dataClass, short.class);
            Method fromJson = conv.getMethod("read", JsonNode.class, short.class);

            for (int v = t.lo(); v <= t.hi(); v++) {
                short ver = (short) v;
                Set<String> seen = new HashSet<>();
                String fullJson = null;
                for (Populator.Mode mode : Populator.Mode.values()) {
                    if (mode == Populator.Mode.NULLS && !hasNullableScalar(schema.fields, v)) continue;
                    if (mode == Populator.Mode.UNKNOWN_TAGS && !schema.flexible.contains(v)) continue;
                    String where = schema.name + " v" + v + " " + mode.caseName;

                    Populator pop = new Populator(dataClass, ver, mode);
                    Message msg = pop.build(schema);
                    byte[] bytes = encode(msg, ver);

                    // Kafka must read its own bytes back to an equal object, and re-encode identically.
                    Message back = (Message) dataClass.getConstructor(Readable.class, short.class)
                            .newInstance(new ByteBufferAccessor(ByteBuffer.wrap(bytes)), ver);
                    Json.check(back.equals(msg), where + ": decode(encode(x)) != x");
                    Json.check(Arrays.equals(encode(back, ver), bytes), where + ": re-encode differs");
                    Json.check(toJson.invoke(null, back, ver).equals(toJson.invoke(null, msg, ver)), where + ": JSON of decoded differs");

                    JsonNode json = (JsonNode) toJson.invoke(null, msg, ver);
                    Message fromJ = (Message) fromJson.invoke(null, json, ver);
                    if (mode == Populator.Mode.UNKNOWN_TAGS) {
                        // The JSON converters drop unknown tagged fields: same JSON as "full".
                        Json.check(json.toString().equals(fullJson), where + ": json differs from full");
                    } else {
                        // Kafka's converters write every `records` field as "" (an empty BinaryNode), so a JSON
                        // round trip only reproduces the message when it carries no records.
                        if (pop.records.isEmpty()) Json.check(fromJ.equals(msg), where + ": JSON round trip differs");
                        Json.check(toJson.invoke(null, fromJ, ver).equals(json), where + ": JSON not stable");
                    }
                    if (mode == Populator.Mode.FULL) fullJson = json.toString();

                    String hex = Json.hex(bytes);
                    if (mode != Populator.Mode.UNKNOWN_TAGS && !seen.add(hex + "|" + json)) continue; // e.g. no fields

                    ObjectNode c = out.addObject();
                    c.put("api", t.api());
                    if (schema.apiKey == null) c.putNull("apiKey"); else c.put("apiKey", schema.apiKey);
                    c.put("kind", t.kinds()[s]);
                    c.put("version", v);
                    c.put("name", mode.caseName);
                    c.put("flexible", schema.flexible.contains(v));
                    if (hasUnsafeInteger(json)) c.put("unsafeIntegers", true);
                    c.set("json", json);
                    if (!pop.records.isEmpty()) c.set("recordsHex", pop.records);
                    if (mode == Populator.Mode.UNKNOWN_TAGS) c.set("unknownTaggedFields", pop.unknownTags);
                    c.put("hex", hex);
                }
            }
        }
        return out;
    }

    static byte[] encode(Message m, short v) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = m.size(cache, v);
        ByteBuffer buf = ByteBuffer.allocate(size);
        m.write(new ByteBufferAccessor(buf), cache, v);
        Json.check(!buf.hasRemaining(), "size() != bytes written for " + m.getClass().getSimpleName());
        return buf.array();
    }

    /** Any nullable non-array field valid at v, at any depth reachable at v. */
    static boolean hasNullableScalar(List<Schema.Field> fields, int v) {
        for (Schema.Field f : fields) {
            if (!f.versions().contains(v)) continue;
            if (!f.isArray() && !f.isStruct() && f.nullable().contains(v)) return true;
            if (f.isStruct() && hasNullableScalar(f.fields(), v)) return true;
        }
        return false;
    }

    /** Integers JavaScript's JSON.parse cannot represent exactly (|n| > 2^53 - 1). */
    static boolean hasUnsafeInteger(JsonNode n) {
        if (n.isIntegralNumber()) {
            if (n.isBigInteger()) return true;
            long x = n.asLong();
            return x > 9007199254740991L || x < -9007199254740991L;
        }
        for (JsonNode c : n) if (hasUnsafeInteger(c)) return true;
        return false;
    }
}
