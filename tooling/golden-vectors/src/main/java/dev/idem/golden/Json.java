package dev.idem.golden;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small JSON / hex helpers shared by the generators. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {}

    static ObjectNode obj() {
        return F.objectNode();
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /** Hex of the remaining bytes of {@code buf}, without moving its position. Null stays null. */
    static String hex(ByteBuffer buf) {
        if (buf == null) return null;
        return hex(bytes(buf));
    }

    static byte[] bytes(ByteBuffer buf) {
        ByteBuffer d = buf.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes pretty-printed JSON (2-space indent, LF, trailing newline). */
    static void write(Path file, JsonNode node) throws IOException {
        Files.createDirectories(file.getParent());
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        String text = MAPPER.writer(pp).writeValueAsString(node) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static void check(boolean cond, String what) {
        if (!cond) throw new IllegalStateException("golden-vector self-check failed: " + what);
    }
}
