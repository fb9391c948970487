import java.util.Locale;
import org.apache.kafka.common.errors.InvalidMetadataException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;

/**
 * Prints every entry of Kafka's {@code Errors} enum as a JSON array, read from the kafka-clients jar on the
 * class path. Run by generate-error-codes.sh; the facts come from Kafka itself, not from notes.
 */
public final class ErrorCodes {
    public static void main(String[] args) {
        StringBuilder out = new StringBuilder("[\n");
        Errors[] all = Errors.values();
        for (int i = 0; i < all.length; i++) {
            Errors e = all[i];
            Throwable ex = e.exception();
            out.append("  {\"code\": ").append(e.code())
                .append(", \"name\": ").append(quote(e.name()))
                .append(", \"retriable\": ").append(ex instanceof RetriableException)
                .append(", \"invalidMetadata\": ").append(ex instanceof InvalidMetadataException)
                .append(", \"exception\": ").append(ex == null ? "null" : quote(ex.getClass().getSimpleName()))
                .append(", \"message\": ").append(ex == null ? "null" : quote(ex.getMessage()))
                .append(i + 1 < all.length ? "},\n" : "}\n");
        }
        System.out.print(out.append("]\n"));
    }

    private static String quote(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
