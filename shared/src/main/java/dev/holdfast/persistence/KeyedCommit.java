package dev.holdfast.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;

/**
 * What every idempotent, guarded commit (admin credits, withdrawals, market results) reports: the
 * stored outcome of an {@code Idempotency-Key}, that the key already has one, or that the commit's
 * guard (trading is NORMAL) failed. Nothing was committed in either failure.
 */
public final class KeyedCommit {
    private KeyedCommit() {}

    /** A stored outcome of an idempotency key: the request's fingerprint and the response to replay. */
    public record StoredResponse(String fingerprint, int status, String body) {
        public JsonNode json() {
            return Json.parseTrusted(body);
        }
    }

    /** The key already has an outcome (possibly a racing duplicate's): replay it, or 422 if the fingerprint differs. */
    public static final class KeyTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient StoredResponse stored;

        public KeyTaken(StoredResponse stored) {
            super("the idempotency key already has an outcome", null, false, false);
            this.stored = stored;
        }

        public StoredResponse stored() {
            return stored;
        }
    }

    /** The commit's guard condition failed (e.g. trading was halted): nothing was committed. */
    public static final class GuardFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public GuardFailed() {
            super("the commit's guard condition failed; nothing was committed", null, false, false);
        }
    }
}
