package dev.holdfast.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A request's JSON object body, read strictly: anything malformed, missing, ill-typed, unknown or
 * out of range is {@code 400 VALIDATION_ERROR} with {@code details.field} naming it.
 */
public final class RequestBody {
    private final ObjectNode root;

    private RequestBody(ObjectNode root) {
        this.root = root;
    }

    /** Whether a Content-Type names JSON: {@code application/json} or {@code application/*+json}, any parameters. */
    public static boolean isJsonContentType(String contentType) {
        String media = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
    }

    /** {@code 415 UNSUPPORTED_MEDIA_TYPE}: a body was sent as something other than JSON. */
    public static ApiError unsupportedMediaType(String contentType) {
        com.fasterxml.jackson.databind.node.ObjectNode d = Json.object();
        d.put("field", "Content-Type");
        d.put("contentType", contentType.length() > 100 ? contentType.substring(0, 100) : contentType);
        return new ApiError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "bodies are JSON: send Content-Type: application/json", d);
    }

    /** Parses a body that must be one JSON object. */
    public static RequestBody parse(String text) {
        if (text == null || text.isBlank()) {
            throw ApiError.validation("body", "a JSON object body is required");
        }
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (JsonProcessingException e) {
            java.util.Optional<String> duplicate = Json.duplicateKey(e);
            if (duplicate.isPresent()) {
                throw ApiError.validation(duplicate.get(), "the key '" + duplicate.get() + "' appears more than once");
            }
            throw ApiError.validation("body", "the body is not valid JSON");
        } catch (RuntimeException e) {
            throw ApiError.validation("body", "the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiError.validation("body", "the body must be a JSON object");
        }
        return new RequestBody((ObjectNode) node);
    }

    /** Rejects any field not in {@code allowed}. */
    public RequestBody allowOnly(Set<String> allowed) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiError.validation(f, "unknown field '" + f + "'");
            }
        }
        return this;
    }

    /** A required, non-blank string of at most {@code maxLength} characters. */
    public String requiredString(String field, int maxLength) {
        return optionalString(field, maxLength)
                .orElseThrow(() -> ApiError.validation(field, "'" + field + "' is required"));
    }

    /** An optional string (absent or null is empty); present means non-blank and short enough. */
    public Optional<String> optionalString(String field, int maxLength) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiError.validation(field, "'" + field + "' must be a string");
        }
        String s = v.textValue();
        if (s.isBlank()) {
            throw ApiError.validation(field, "'" + field + "' must not be blank");
        }
        if (s.length() > maxLength) {
            throw ApiError.validation(field, "'" + field + "' must be at most " + maxLength + " characters");
        }
        return Optional.of(s);
    }

    /**
     * An optional RFC 3339 time (absent or null is empty) from {@link dev.holdfast.domain.Rfc3339#EARLIEST}
     * to ten years after {@code now}.
     */
    public Optional<java.time.Instant> optionalTime(String field, java.time.Instant now) {
        Optional<String> s = optionalString(field, 40);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(time(field, s.get(), now));
    }

    /**
     * {@code text} as the RFC 3339 time of {@code field}, from {@link dev.holdfast.domain.Rfc3339#EARLIEST}
     * to ten years after {@code now}; otherwise {@code 400 VALIDATION_ERROR} naming the field.
     */
    public static java.time.Instant time(String field, String text, java.time.Instant now) {
        java.time.Instant t;
        try {
            t = dev.holdfast.domain.Rfc3339.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiError.validation(field, "'" + field + "' must be an RFC 3339 time such as 2026-11-21T09:00:00.000Z");
        }
        if (!dev.holdfast.domain.Rfc3339.sane(t, now)) {
            throw ApiError.validation(field, "'" + field + "' must be from "
                    + dev.holdfast.domain.Rfc3339.format(dev.holdfast.domain.Rfc3339.EARLIEST) + " to ten years from now");
        }
        return t;
    }

    /** A required RFC 3339 time, as {@link #optionalTime}. */
    public java.time.Instant requiredTime(String field, java.time.Instant now) {
        return optionalTime(field, now).orElseThrow(() -> ApiError.validation(field, "'" + field + "' is required"));
    }

    /** A required amount of money: a decimal string of 1 to 15 digits, more than 0. */
    public dev.holdfast.domain.money.Amount requiredAmount(String field) {
        JsonNode v = root.get(field);
        try {
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException("'" + field + "' is required");
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException("'" + field + "' is a decimal string, such as \"10000\"");
            }
            dev.holdfast.domain.money.Amount amount = dev.holdfast.domain.money.Amount.parse(v.textValue());
            if (amount.isZero()) {
                throw new IllegalArgumentException("'" + field + "' must be more than 0");
            }
            return amount;
        } catch (IllegalArgumentException e) {
            throw ApiError.validation(field, e.getMessage());
        }
    }

    /** A required string naming one constant of {@code type}. */
    public <E extends Enum<E>> E requiredEnum(String field, Class<E> type) {
        String s = requiredString(field, 64);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        throw ApiError.validation(field, "'" + field + "' must be one of " + Arrays.toString(type.getEnumConstants()));
    }

    /** An optional list of strings, each short and non-blank. */
    public List<String> optionalStringList(String field, int maxItems, int maxLength) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray() || v.size() > maxItems) {
            throw ApiError.validation(field, "'" + field + "' must be an array of at most " + maxItems + " strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.textValue().isBlank() || e.textValue().length() > maxLength) {
                throw ApiError.validation(field, "'" + field + "' must hold non-blank strings of at most " + maxLength + " characters");
            }
            out.add(e.textValue());
        }
        return List.copyOf(out);
    }

    /** An optional whole number within bounds. */
    public Optional<Long> optionalLong(String field, long min, long max) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw ApiError.validation(field, "'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return Optional.of(v.longValue());
    }

    public ObjectNode node() {
        return root;
    }
}
