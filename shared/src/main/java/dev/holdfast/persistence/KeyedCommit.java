package dev.holdfast.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;

/**
 * What every idempotent, guarded commit (admin credits, withdrawals, market results) comes to: it
 * committed, the {@code Idempotency-Key} already has an outcome, the commit's guard (trading is
 * NORMAL) failed, or it lost a race. Nothing was committed in the last three.
 */
public final class KeyedCommit {
    private KeyedCommit() {}

    /** A stored outcome of an idempotency key: the request's fingerprint and the response to replay. */
    public record StoredResponse(String fingerprint, int status, String body) {
        public JsonNode json() {
            return Json.parseTrusted(body);
        }
    }

    /**
     * What one keyed commit came to.
     *
     * @param <F> what the key's first request left, which a duplicate replays
     */
    public sealed interface Outcome<F> permits Committed, KeyTaken, Halted, Raced {}

    /** Everything committed. */
    public record Committed<F>() implements Outcome<F> {}

    /** The key already has an outcome (possibly a racing duplicate's): replay it, or 422 if the fingerprint differs. */
    public record KeyTaken<F>(F first) implements Outcome<F> {}

    /** The commit's guard condition failed (e.g. trading was halted): nothing was committed. */
    public record Halted<F>() implements Outcome<F> {}

    /** What the commit was computed from changed, or a concurrent transaction collided: nothing was committed; read again and retry. */
    public record Raced<F>() implements Outcome<F> {}
}
