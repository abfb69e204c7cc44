package dev.holdfast.persistence.signups;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.ShardedCounters;
import dev.holdfast.resources.Tables;

import java.util.Map;

/**
 * How the identity verifier is coping, as the signup path sees it: signups submitted and finished
 * (their difference is the verification backlog), verifier calls, failed calls (errors, timeouts,
 * throttling — not business rejections) and their total latency. Sharded counters in the
 * waiting-room table ({@code pk = VERIFIER#STATS}); the admitter reads their changes from tick to
 * tick and slows admission when verification errs or falls behind.
 */
public final class VerifierStats {
    static final String PK = "VERIFIER#STATS";
    static final int SHARDS = 8;

    private final ShardedCounters counters;

    public VerifierStats(Deployment deployment) {
        this.counters = new ShardedCounters(deployment.clients().dynamo(),
                deployment.names().table(Tables.WAITING_ROOM), SHARDS);
    }

    /** Cumulative counts since the platform started. */
    public record Snapshot(long submitted, long finished, long calls, long errors, long latencyMsTotal) {
        public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0);

        /** Signups waiting for verification. */
        public long backlog() {
            return Math.max(0, submitted - finished);
        }
    }

    /** A signup was queued for verification (once per signup, by the signup path). */
    public void submitted() {
        counters.add(PK, Map.of("submitted", 1L));
    }

    /** One call to the verifier ended: {@code ok} unless it failed, timed out or was throttled. */
    public void called(boolean ok, long latencyMs) {
        counters.add(PK, ok ? Map.of("calls", 1L, "latencyMs", Math.max(0, latencyMs))
                : Map.of("calls", 1L, "errors", 1L, "latencyMs", Math.max(0, latencyMs)));
    }

    /** A signup's verification is over for good (verified or rejected; once per signup, by the worker). */
    public void finished() {
        counters.add(PK, Map.of("finished", 1L));
    }

    public Snapshot read() {
        Map<String, Long> s = counters.sum(PK);
        return new Snapshot(s.getOrDefault("submitted", 0L), s.getOrDefault("finished", 0L),
                s.getOrDefault("calls", 0L), s.getOrDefault("errors", 0L), s.getOrDefault("latencyMs", 0L));
    }
}
