package dev.holdfast.functions.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.persistence.KeyedCommit;

import java.util.function.Supplier;

/**
 * The one rule of every keyed route ({@code Idempotency-Key}, or the admission token for signups):
 * the same key with the same request replays the stored answer with {@code Idempotent-Replayed: true};
 * the same key with another request is refused ({@code 422 IDEMPOTENCY_KEY_REUSED}, or the route's
 * contract code) and nothing is committed. The stored answer is the key's idempotency record
 * ({@link KeyedCommit.StoredResponse}: the request's fingerprint, the status and the body).
 */
public final class IdempotentReplay {
    private IdempotentReplay() {}

    /** Replays {@code stored} if {@code fingerprint} is the one it was stored for; otherwise 422 with {@code reuseMessage}. */
    public static HttpResponse replay(KeyedCommit.StoredResponse stored, String fingerprint, String reuseMessage) {
        requireSameRequest(stored.fingerprint(), fingerprint, reuseMessage);
        return replayed(stored);
    }

    /** Throws {@code 422 IDEMPOTENCY_KEY_REUSED} with {@code reuseMessage} unless the fingerprints match. */
    public static void requireSameRequest(String storedFingerprint, String fingerprint, String reuseMessage) {
        requireSameRequest(storedFingerprint, fingerprint, () -> new ApiError(ErrorCode.IDEMPOTENCY_KEY_REUSED, reuseMessage));
    }

    /** Throws the route's own refusal unless the fingerprints match. */
    public static void requireSameRequest(String storedFingerprint, String fingerprint, Supplier<ApiError> reused) {
        if (!storedFingerprint.equals(fingerprint)) {
            throw reused.get();
        }
    }

    /** The stored answer of a key, sent again (its request already matched). */
    public static HttpResponse replayed(KeyedCommit.StoredResponse stored) {
        return replayed(stored.status(), Json.parseTrusted(stored.body()));
    }

    /** A stored answer, sent again. */
    public static HttpResponse replayed(int status, JsonNode body) {
        return HttpResponse.of(status, body).withHeader("Idempotent-Replayed", "true");
    }
}
