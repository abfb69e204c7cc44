package dev.holdfast.persistence;

import dev.holdfast.api.ApiError;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * Paging cursors: opaque to clients (URL-safe base64 of a store's own position text), and refused
 * with {@code 400 VALIDATION_ERROR} on {@code cursor} when they are not one the API issued.
 */
public final class Cursors {
    private Cursors() {}

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a cursor carries, if it decodes and {@code valid} accepts it. */
    public static String decode(String cursor, Predicate<String> valid) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            String position = new String(bytes, StandardCharsets.UTF_8);
            // only the canonical spelling: one cursor, one text
            if (Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(cursor) && valid.test(position)) {
                return position;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ApiError.validation("cursor", "'cursor' is not a cursor this API issued");
    }
}
