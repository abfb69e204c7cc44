package dev.holdfast.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Holdfast's one JSON mapper, used on the tree model only: no reflective bean binding, so nothing
 * is scanned at cold start. Numbers are read as {@code BigDecimal} so no amount passes through a
 * {@code double}.
 */
public final class Json {
    private Json() {}

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxNumberLength(64).maxStringLength(1_000_000).build());
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Outside input is read with duplicate-key detection: {@code {"a":1,"a":2}} is malformed, not "last wins". */
    private static final com.fasterxml.jackson.databind.ObjectReader STRICT =
            MAPPER.reader().with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    /**
     * Parses JSON text from outside (bodies, feed messages, token segments); malformed text,
     * including an object with a repeated key, is a {@link JsonProcessingException}.
     */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return STRICT.readTree(text);
    }

    /** The repeated key if {@code e} is a duplicate-key refusal of {@link #parse}. */
    public static java.util.Optional<String> duplicateKey(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null || !m.startsWith("Duplicate")) {
            return java.util.Optional.empty();
        }
        if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p) {
            try {
                String name = p.currentName();
                if (name != null) {
                    return java.util.Optional.of(name);
                }
            } catch (java.io.IOException | RuntimeException ignored) {
                // fall through to the message
            }
        }
        java.util.regex.Matcher q = java.util.regex.Pattern.compile("[\"']([^\"']*)[\"']").matcher(m);
        return java.util.Optional.of(q.find() ? q.group(1) : "body");
    }

    /** Parses JSON text that this code wrote itself (stored documents). */
    public static JsonNode parseTrusted(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is corrupt", e);
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
