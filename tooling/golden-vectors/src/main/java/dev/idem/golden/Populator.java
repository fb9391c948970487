package dev.idem.golden;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Fills a generated Kafka {@code *Data} object by reflection, driven by the message schema, so that only
 * fields valid at the target version are touched. Values are deterministic: a per-case counter gives every
 * scalar a distinct value, which makes field-order mistakes in a codec visible.
 */
final class Populator {
    enum Mode {
        /** Every field valid at the version set to a non-default, non-null value; struct arrays of 2. */
        FULL("full"),
        /** Defaults everywhere; arrays empty; nullable fields (incl. nullable arrays) null. */
        MINIMAL("minimal"),
        /** Like FULL with 1-element arrays, but every nullable string/bytes/records field is null. */
        NULLS("nulls"),
        /** Boundary values: int MIN/MAX, uint16 65535, long multi-byte UTF-8 strings, 130-element primitive
         *  arrays (multi-byte compact lengths), 200-byte bytes fields. */
        LIMITS("limits"),
        /** FULL plus unknown tagged fields (tags 100 and 1000) in every struct; flexible versions only. */
        UNKNOWN_TAGS("unknown-tags");

        final String caseName;

        Mode(String caseName) {
            this.caseName = caseName;
        }
    }

    private static final Object SKIP = new Object();

    private final Class<?> topClass;
    private final short version;
    private final Mode mode;
    private int counter;
    /** Where unknown tagged fields were added (path, tag, hex), for the case's metadata. */
    final ArrayNode unknownTags = Json.F.arrayNode();
    /** The bytes of every non-null `records` field (path, hex): Kafka's JSON converters omit them. */
    final ArrayNode records = Json.F.arrayNode();

    Populator(Class<?> topClass, short version, Mode mode) {
        this.topClass = topClass;
        this.version = version;
        this.mode = mode;
    }

    Message build(Schema schema) throws ReflectiveOperationException {
        Message m = (Message) topClass.getConstructor().newInstance();
        populate(m, schema.fields, "$");
        return m;
    }

    private void populate(Object target, List<Schema.Field> fields, String path) throws ReflectiveOperationException {
        for (Schema.Field f : fields) {
            if (!f.versions().contains(version)) continue;
            Method setter = setter(target.getClass(), f.name());
            Object value = value(f, setter.getParameterTypes()[0], path + "." + lowerFirst(f.name()));
            if (value != SKIP) setter.invoke(target, value);
        }
        if (mode == Mode.UNKNOWN_TAGS) {
            List<RawTaggedField> raw = ((Message) target).unknownTaggedFields();
            addUnknown(raw, path, 100, new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
            byte[] big = new byte[130]; // size varint > 127 takes two bytes
            for (int i = 0; i < big.length; i++) big[i] = (byte) i;
            addUnknown(raw, path, 1000, big); // tag varint > 127 takes two bytes
        }
    }

    private void addUnknown(List<RawTaggedField> raw, String path, int tag, byte[] data) {
        raw.add(new RawTaggedField(tag, data));
        ObjectNode o = unknownTags.addObject();
        o.put("path", path);
        o.put("tag", tag);
        o.put("hex", Json.hex(data));
    }

    private Object value(Schema.Field f, Class<?> paramType, String path) throws ReflectiveOperationException {
        boolean nullable = f.nullable().contains(version);
        if (f.isArray()) {
            if (mode == Mode.MINIMAL) return nullable ? null : newCollection(paramType);
            int n;
            if (f.isStruct()) n = (mode == Mode.FULL || mode == Mode.UNKNOWN_TAGS) ? 2 : 1;
            else n = mode == Mode.LIMITS ? 130 : (mode == Mode.NULLS ? 1 : 3);
            @SuppressWarnings("unchecked")
            Collection<Object> coll = (Collection<Object>) newCollection(paramType);
            for (int i = 0; i < n; i++) {
                String p = path + "[" + i + "]";
                coll.add(f.isStruct() ? struct(f, p) : scalar(f.elementType(), f, p));
            }
            return coll;
        }
        if (f.isStruct()) {
            if (mode == Mode.MINIMAL) return SKIP;
            return struct(f, path);
        }
        if (mode == Mode.MINIMAL) return nullable ? null : SKIP;
        if (mode == Mode.NULLS && nullable) return null;
        return scalar(f.type(), f, path);
    }

    private Object struct(Schema.Field f, String path) throws ReflectiveOperationException {
        Class<?> c = Class.forName(topClass.getName() + "$" + f.elementType());
        Object o = c.getConstructor().newInstance();
        populate(o, f.fields(), path);
        return o;
    }

    private Object scalar(String type, Schema.Field f, String path) {
        int n = ++counter;
        boolean limits = mode == Mode.LIMITS;
        boolean low = (n & 1) == 1;
        switch (type) {
            case "int8": return limits ? (low ? Byte.MIN_VALUE : Byte.MAX_VALUE) : (byte) n;
            case "int16": return limits ? (low ? Short.MIN_VALUE : Short.MAX_VALUE) : (short) n;
            case "uint16": return limits ? 65535 : 40000 + n;
            case "int32": return limits ? (low ? Integer.MIN_VALUE : Integer.MAX_VALUE) : 1000 + n;
            case "int64": return limits ? (low ? Long.MIN_VALUE : Long.MAX_VALUE) : 1_000_000_000_000L + n;
            case "float64": return limits ? (low ? -Double.MAX_VALUE : Double.MIN_VALUE) : n + 0.25;
            case "bool": return !"true".equals(f.dflt());
            case "string": {
                String base = lowerFirst(f.name()) + "-" + n;
                // 45 x U+20AC (3 bytes each) pushes the UTF-8 length well past 127 bytes.
                return limits ? base + "-Ω-" + "€".repeat(45) + "-🚀" : base;
            }
            case "bytes": {
                byte[] b = new byte[limits ? 200 : 3];
                for (int i = 0; i < b.length; i++) b[i] = (byte) (n + i);
                if (!limits) { b[0] = (byte) 0xca; b[1] = (byte) 0xfe; }
                return b;
            }
            case "uuid":
                return limits ? new Uuid(-1L, Long.MIN_VALUE + n) : new Uuid(0x0123456789abcdefL, 0x1000L + n);
            case "records": {
                MemoryRecords r = producePayload(n);
                ObjectNode o = records.addObject();
                o.put("path", path);
                o.put("hex", Json.hex(r.buffer()));
                return r;
            }
            default:
                throw new IllegalStateException("unsupported type " + type + " at " + path);
        }
    }

    /** A real magic v2 batch (idempotent producer, no compression) for Produce's records field. */
    static MemoryRecords producePayload(int n) {
        long t = RecordBatchVectors.T0 + n;
        byte[] b = RecordBatchVectors.build("none",
                new RecordBatchVectors.Params(0L, -1, 1000L, (short) 3, 10 * n, false),
                List.of(new RecordBatchVectors.In(t, Json.utf8("key-" + n), Json.utf8("value-" + n)),
                        new RecordBatchVectors.In(t + 1, null, Json.utf8("value-" + n + "b"))));
        return MemoryRecords.readableRecords(ByteBuffer.wrap(b));
    }

    private static Object newCollection(Class<?> type) throws ReflectiveOperationException {
        if (type.isInterface()) return new ArrayList<>(); // List<...>
        return type.getConstructor().newInstance();       // generated *Collection (ImplicitLinkedHashMultiCollection)
    }

    private static Method setter(Class<?> c, String fieldName) {
        String name = "set" + fieldName;
        Method found = null;
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                if (found != null) throw new IllegalStateException("ambiguous setter " + c.getName() + "." + name);
                found = m;
            }
        }
        if (found == null) throw new IllegalStateException("no setter " + c.getName() + "." + name);
        return found;
    }

    static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
