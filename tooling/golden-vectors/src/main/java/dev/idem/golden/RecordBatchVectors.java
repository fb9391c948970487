package dev.idem.golden;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Magic v2 record batches built by Kafka's MemoryRecordsBuilder. Every field in the emitted JSON is read
 * back from the built batch (DefaultRecordBatch / Record accessors), not restated from the inputs.
 */
final class RecordBatchVectors {
    /** Fixed base timestamp: 2023-11-14T22:13:20Z. */
    static final long T0 = 1_700_000_000_000L;
    static final long NO_PID = RecordBatch.NO_PRODUCER_ID;
    static final short NO_EPOCH = RecordBatch.NO_PRODUCER_EPOCH;
    static final int NO_SEQ = RecordBatch.NO_SEQUENCE;

    private RecordBatchVectors() {}

    /** One record to append: timestamp, key, value (either may be null), headers. */
    record In(long ts, byte[] key, byte[] value, Header... headers) {}

    /** Producer / batch-level parameters. */
    record Params(long baseOffset, int leaderEpoch, long pid, short epoch, int seq, boolean txn) {
        static Params plain() {
            return new Params(0L, RecordBatch.NO_PARTITION_LEADER_EPOCH, NO_PID, NO_EPOCH, NO_SEQ, false);
        }
    }

    static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};

    static Compression compression(String name) {
        switch (name) {
            case "none": return Compression.NONE;
            case "gzip": return Compression.gzip().build();
            case "snappy": return Compression.snappy().build();
            case "lz4": return Compression.lz4().build();
            case "zstd": return Compression.zstd().build();
            default: throw new IllegalArgumentException(name);
        }
    }

    /** Builds one magic v2 batch with MemoryRecords.builder and returns its bytes. */
    static byte[] build(String codec, Params p, List<In> records) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        MemoryRecordsBuilder b = MemoryRecords.builder(buf, RecordBatch.MAGIC_VALUE_V2, compression(codec),
                TimestampType.CREATE_TIME, p.baseOffset(), RecordBatch.NO_TIMESTAMP, p.pid(), p.epoch(), p.seq(),
                p.txn(), p.leaderEpoch());
        for (In r : records) b.append(r.ts(), r.key(), r.value(), r.headers());
        MemoryRecords built = b.build();
        return Json.bytes(built.buffer());
    }

    static byte[] u(String s) {
        return Json.utf8(s);
    }

    static Header h(String key, byte[] value) {
        return new RecordHeader(key, value);
    }

    static ArrayNode generate() {
        ArrayNode out = Json.F.arrayNode();
        for (String codec : CODECS) {
            // (a) a single record with key and value.
            add(out, "single-record", codec, build(codec, Params.plain(),
                    List.of(new In(T0, u("key-1"), u("value-1")))), false);

            // (b) mixed shapes: null key, tombstone, empty value, headers (one with null value), unicode,
            // and a timestamp earlier than the first record's (negative timestampDelta).
            add(out, "mixed-records", codec, build(codec, Params.plain(), mixed()), false);

            // (c) idempotent producer.
            add(out, "idempotent", codec, build(codec, new Params(0L, -1, 1000L, (short) 3, 7, false),
                    List.of(new In(T0, u("k0"), u("v0")), new In(T0 + 1, u("k1"), u("v1")),
                            new In(T0 + 2, u("k2"), u("v2")))), false);

            // (d) baseSequence near Integer.MAX_VALUE: lastSequence wraps around to 1.
            List<In> four = new ArrayList<>();
            for (int i = 0; i < 4; i++) four.add(new In(T0 + i, u("wrap-" + i), u("v" + i)));
            add(out, "sequence-wrap", codec, build(codec,
                    new Params(0L, -1, 1000L, (short) 3, Integer.MAX_VALUE - 1, false), four), false);

            // (e) transactional batch.
            add(out, "transactional", codec, build(codec, new Params(0L, -1, 2000L, (short) 1, 0, true),
                    List.of(new In(T0, u("txn-k0"), u("txn-v0")), new In(T0 + 3, u("txn-k1"), u("txn-v1")))),
                    false);

            // (f) LogAppendTime: a CreateTime batch rewritten in place the way the broker's LogValidator does
            // (DefaultRecordBatch.setMaxTimestamp sets the attribute bit and maxTimestamp, recomputes the CRC).
            byte[] lat = build(codec, new Params(0L, -1, 1000L, (short) 3, 0, false),
                    List.of(new In(T0, u("lat-0"), u("a")), new In(T0 + 10, u("lat-1"), u("b")),
                            new In(T0 - 5, u("lat-2"), u("c"))));
            ByteBuffer latBuf = ByteBuffer.wrap(lat);
            MutableRecordBatch latBatch = MemoryRecords.readableRecords(latBuf).batchIterator().next();
            latBatch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, T0 + 60_000L);
            add(out, "log-append-time", codec, lat, true);

            // (g) ~200 records with 100-byte values.
            List<In> many = new ArrayList<>();
            for (int i = 0; i < 200; i++) many.add(new In(T0 + i * 7L, u(String.format("key-%03d", i)), value100(i)));
            add(out, "many-records", codec, build(codec, new Params(0L, -1, 1000L, (short) 3, 100, false), many),
                    false);

            // (h) non-zero baseOffset and partitionLeaderEpoch, as in a fetched batch.
            add(out, "offset-and-leader-epoch", codec, build(codec, new Params(42L, 5, NO_PID, NO_EPOCH, NO_SEQ, false),
                    List.of(new In(T0, u("o0"), u("v0")), new In(T0 + 1, u("o1"), u("v1")),
                            new In(T0 + 2, u("o2"), u("v2")))), false);

            // (h') baseOffset beyond 2^32 (exercises the full int64) and a large leader epoch.
            add(out, "large-offset", codec, build(codec,
                    new Params(8_589_934_592L + 42L, 2_000_000_000, 1L << 40, Short.MAX_VALUE, 0, false),
                    List.of(new In(T0, u("big"), u("offset")))), false);
        }

        // Control batches (always uncompressed, transactional, control flag set; one control record).
        for (ControlRecordType type : new ControlRecordType[] {ControlRecordType.COMMIT, ControlRecordType.ABORT}) {
            MemoryRecords mr = MemoryRecords.withEndTransactionMarker(100L, T0 + 1000L, 5, 2000L, (short) 1,
                    new EndTransactionMarker(type, 17));
            ObjectNode c = add(out, "control-" + type.name().toLowerCase(), "none", Json.bytes(mr.buffer()), false);
            RecordBatch batch = mr.batches().iterator().next();
            Record rec = batch.iterator().next();
            EndTransactionMarker m = EndTransactionMarker.deserialize(rec);
            ObjectNode ctl = c.putObject("control");
            ctl.put("type", ControlRecordType.parse(rec.key()).name());
            ctl.put("typeId", ControlRecordType.parseTypeId(rec.key()));
            ctl.put("coordinatorEpoch", m.coordinatorEpoch());
        }
        return out;
    }

    static List<In> mixed() {
        List<In> l = new ArrayList<>();
        l.add(new In(T0, u("k0"), u("v0"), h("h1", u("x")), h("h-null", null), h("", new byte[0])));
        l.add(new In(T0 + 5, null, u("null-key")));
        l.add(new In(T0 + 10, u("tombstone"), null));
        l.add(new In(T0 - 1000, u("empty-value"), new byte[0]));
        l.add(new In(T0 + 20, u("ключ-é-🔑"), u("значение-✓"), h("ü-header", u("🚀")), h("bin", new byte[] {0, (byte) 0xff, 0x7f, (byte) 0x80})));
        return l;
    }

    /** Deterministic, mildly compressible 100-byte value. */
    static byte[] value100(int i) {
        StringBuilder sb = new StringBuilder(String.format("record-%03d|", i));
        String alphabet = "the quick brown fox jumps over the lazy dog 0123456789 ";
        int k = i * 7;
        while (sb.length() < 100) sb.append(alphabet.charAt(k++ % alphabet.length()));
        byte[] b = Json.utf8(sb.toString());
        Json.check(b.length == 100, "value100 length");
        return b;
    }

    /** Decodes {@code bytes} with Kafka, self-checks it, and appends a case. */
    static ObjectNode add(ArrayNode out, String name, String codec, byte[] bytes, boolean rawTimestamps) {
        String caseName = name + "/" + codec;
        MemoryRecords mr = MemoryRecords.readableRecords(ByteBuffer.wrap(bytes));
        Iterator<MutableRecordBatch> it = mr.batchIterator();
        Json.check(it.hasNext(), caseName + ": no batch");
        MutableRecordBatch batch = it.next();
        Json.check(!it.hasNext(), caseName + ": more than one batch");
        Json.check(batch instanceof DefaultRecordBatch, caseName + ": not a DefaultRecordBatch");
        Json.check(batch.sizeInBytes() == bytes.length, caseName + ": size mismatch");
        batch.ensureValid();

        // Independent CRC-32C check: bytes 17..20 hold CRC-32C of bytes 21..end.
        ByteBuffer bb = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 21, bytes.length - 21);
        long storedCrc = Integer.toUnsignedLong(bb.getInt(17));
        Json.check(crc.getValue() == storedCrc, caseName + ": CRC-32C mismatch");
        Json.check(batch.checksum() == storedCrc, caseName + ": checksum() mismatch");
        Json.check(bb.getInt(8) == bytes.length - 12, caseName + ": batchLength mismatch");
        Json.check(bb.get(16) == 2, caseName + ": magic");
        Json.check(batch.compressionType().name.equals(codec), caseName + ": compression " + batch.compressionType());

        ObjectNode c = Json.obj();
        c.put("name", caseName);
        c.put("compression", batch.compressionType().name);
        c.put("baseOffset", Long.toString(batch.baseOffset()));
        c.put("partitionLeaderEpoch", batch.partitionLeaderEpoch());
        c.put("magic", batch.magic());
        c.put("attributes", bb.getShort(21) & 0xffff); // no public accessor; read from the batch bytes
        c.put("lastOffsetDelta", (int) (batch.lastOffset() - batch.baseOffset()));
        c.put("baseTimestamp", Long.toString(((DefaultRecordBatch) batch).baseTimestamp()));
        c.put("maxTimestamp", Long.toString(batch.maxTimestamp()));
        c.put("producerId", Long.toString(batch.producerId()));
        c.put("producerEpoch", batch.producerEpoch());
        c.put("baseSequence", batch.baseSequence());
        c.put("lastSequence", batch.lastSequence());
        c.put("isTransactional", batch.isTransactional());
        c.put("isControl", batch.isControlBatch());
        c.put("timestampType", batch.timestampType() == TimestampType.LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime");
        c.put("crc", batch.checksum());
        c.put("recordCount", batch.countOrNull());

        // Stored per-record timestamps (baseTimestamp + timestampDelta). For LogAppendTime batches Kafka's
        // reader reports maxTimestamp for every record, so read a copy with the timestamp-type bit cleared.
        List<Long> raw = null;
        if (rawTimestamps) {
            byte[] copy = bytes.clone();
            ByteBuffer cb = ByteBuffer.wrap(copy);
            cb.putShort(21, (short) (cb.getShort(21) & ~0x08));
            raw = new ArrayList<>();
            for (Record r : MemoryRecords.readableRecords(cb).batches().iterator().next()) raw.add(r.timestamp());
        }

        ArrayNode recs = c.putArray("records");
        int i = 0;
        for (Record r : batch) {
            ObjectNode o = recs.addObject();
            o.put("offsetDelta", (int) (r.offset() - batch.baseOffset()));
            o.put("timestamp", Long.toString(r.timestamp()));
            if (raw != null) o.put("storedTimestamp", Long.toString(raw.get(i)));
            o.put("key", r.hasKey() ? Json.hex(r.key()) : null);
            o.put("value", r.hasValue() ? Json.hex(r.value()) : null);
            ArrayNode hs = o.putArray("headers");
            for (Header hd : r.headers()) {
                ObjectNode ho = hs.addObject();
                ho.put("key", hd.key());
                ho.put("value", hd.value() == null ? null : Json.hex(hd.value()));
            }
            i++;
        }
        Json.check(i == batch.countOrNull(), caseName + ": record count");
        c.put("hex", Json.hex(bytes));
        out.add(c);
        return c;
    }
}
