package dev.idem.golden;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.kafka.common.utils.AppInfoParser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes golden test vectors produced by Apache Kafka's own classes.
 *
 * <pre>Generate [outputDir]   (default: ../../packages/codec/test/fixtures/golden)</pre>
 *
 * Output is fully deterministic: fixed timestamps and values, no randomness.
 */
public final class Generate {
    private Generate() {}

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        Path out = Paths.get(args.length > 0 ? args[0] : "../../packages/codec/test/fixtures/golden")
                .toAbsolutePath().normalize();
        String kafka = AppInfoParser.getVersion();
        System.out.println("kafka-clients " + kafka + " -> " + out);
        if (!kafka.equals("4.3.0")) throw new IllegalStateException("expected kafka-clients 4.3.0 on the classpath, got " + kafka);

        ArrayNode batches = RecordBatchVectors.generate();
        write(out.resolve("record-batches.json"), batches);

        for (MessageVectors.Target t : MessageVectors.TARGETS) {
            write(out.resolve("messages").resolve(t.file() + ".json"), MessageVectors.generate(t));
        }
        for (String note : MessageVectors.NOTES) System.out.println("note: " + note);
        System.out.printf("done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static void write(Path file, ArrayNode cases) throws Exception {
        Json.write(file, cases);
        System.out.printf("%5d cases  %9d bytes  %s%n", cases.size(), Files.size(file), file.getFileName());
    }
}
