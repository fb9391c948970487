package dev.idem.golden;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The parts of Kafka's message schema JSON (common/message/*.json in kafka-clients) that we need. */
final class Schema {
    private static final JsonMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    /** A version range like "0+", "3-13", "5", or "none". */
    record Versions(int lo, int hi) {
        static final Versions NONE = new Versions(1, 0);

        static Versions parse(String s) {
            if (s == null || s.isBlank() || s.equals("none")) return NONE;
            s = s.trim();
            if (s.endsWith("+")) return new Versions(Integer.parseInt(s.substring(0, s.length() - 1)), Short.MAX_VALUE);
            int dash = s.indexOf('-');
            if (dash > 0) return new Versions(Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1)));
            int v = Integer.parseInt(s);
            return new Versions(v, v);
        }

        boolean contains(int v) {
            return v >= lo && v <= hi;
        }
    }

    record Field(String name, String type, Versions versions, Versions nullable, Versions tagged, Integer tag,
                 String dflt, List<Field> fields) {
        boolean isArray() {
            return type.startsWith("[]");
        }

        String elementType() {
            return isArray() ? type.substring(2) : type;
        }

        /** Struct (or array of structs) if it has nested fields. */
        boolean isStruct() {
            return !fields.isEmpty();
        }
    }

    final String name;
    final String type;
    final Integer apiKey;
    final Versions valid;
    final Versions flexible;
    final boolean latestVersionUnstable;
    final List<Field> fields;

    private Schema(JsonNode root) {
        this.name = root.get("name").asText();
        this.type = root.get("type").asText();
        this.apiKey = root.has("apiKey") ? root.get("apiKey").asInt() : null;
        this.valid = Versions.parse(root.get("validVersions").asText());
        this.flexible = Versions.parse(root.path("flexibleVersions").asText("none"));
        this.latestVersionUnstable = root.path("latestVersionUnstable").asBoolean(false);
        if (root.has("commonStructs")) throw new IllegalStateException(name + ": commonStructs not supported");
        this.fields = parseFields(root.get("fields"));
    }

    static Schema load(String name) {
        String path = "common/message/" + name + ".json";
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("schema not on classpath: " + path);
            return new Schema(READER.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException(path, e);
        }
    }

    private static List<Field> parseFields(JsonNode arr) {
        List<Field> out = new ArrayList<>();
        if (arr == null) return out;
        for (JsonNode f : arr) {
            out.add(new Field(
                    f.get("name").asText(),
                    f.get("type").asText(),
                    Versions.parse(f.get("versions").asText()),
                    Versions.parse(f.path("nullableVersions").asText("none")),
                    Versions.parse(f.path("taggedVersions").asText("none")),
                    f.has("tag") ? f.get("tag").asInt() : null,
                    f.has("default") ? f.get("default").asText() : null,
                    parseFields(f.get("fields"))));
        }
        return out;
    }
}
