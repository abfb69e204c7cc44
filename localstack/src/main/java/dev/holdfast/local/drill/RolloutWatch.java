package dev.holdfast.local.drill;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Samples of a rollout's admission as {@code GET /admin/rollouts/{id}} shows it, and the admission
 * rate measured from them. A sample is taken only when two reads in a row agree (same last tick, same
 * admitted total), so it describes one admitter tick.
 */
public final class RolloutWatch {
    private RolloutWatch() {}

    /** One consistent view: the admitter's last tick, totals over the cohorts, per-cohort admitted. */
    public record Sample(Instant lastTick, long admitted, long waiting, long signedUp, double factor, String signal,
                         Map<String, Long> admittedByCohort, long atNanos) {}

    /** The rate measured over a window and the window itself. */
    public record Rate(double perSecond, double seconds, int samples) {}

    /**
     * The rate over the admitter's on-time ticks, and the stalls left out: gaps between two ticks longer
     * than the admitter fills in one tick (it admits for at most one second per tick, so a stalled ticker
     * on a loaded machine admits less than the rate, by design).
     */
    public record PacedRate(Rate onTime, int stalls, double stalledSeconds, Rate overall) {}

    /** A consistent sample of the view {@code show} returns, or empty after three disagreeing pairs of reads. */
    public static Optional<Sample> sample(Supplier<JsonNode> show) {
        for (int attempt = 0; attempt < 3; attempt++) {
            JsonNode a = show.get();
            JsonNode b = show.get();
            if (a.hasNonNull("lastTickAt") && a.path("lastTickAt").asText().equals(b.path("lastTickAt").asText("x"))
                    && sum(a, "admitted") == sum(b, "admitted")) {
                Map<String, Long> byCohort = new LinkedHashMap<>();
                for (JsonNode c : a.path("cohorts")) {
                    byCohort.put(c.path("cohortId").asText(), c.path("admitted").asLong());
                }
                return Optional.of(new Sample(Instant.parse(a.path("lastTickAt").asText()), sum(a, "admitted"),
                        sum(a, "waiting"), sum(a, "signedUp"), a.path("healthFactor").asDouble(),
                        a.path("verifierSignal").asText(), byCohort, System.nanoTime()));
            }
        }
        return Optional.empty();
    }

    /** The sum of a per-cohort field over the rollout's cohorts. */
    public static long sum(JsonNode rollout, String field) {
        long s = 0;
        for (JsonNode c : rollout.path("cohorts")) {
            s += c.path(field).asLong();
        }
        return s;
    }

    /**
     * Admitted per second between the first and the last sample taken at full health with more than
     * {@code minWaiting} people waiting, before {@code untilNanos} (the outage): the admission rate on
     * a full queue while verification is healthy. Empty when fewer than two such samples exist.
     */
    public static Optional<Rate> healthyRate(List<Sample> samples, long untilNanos, long minWaiting) {
        List<Sample> healthy = samples.stream()
                .filter(s -> s.factor() == 1.0 && s.waiting() > minWaiting && s.atNanos() < untilNanos && s.admitted() > 0)
                .toList();
        if (healthy.size() < 2) {
            return Optional.empty();
        }
        Sample first = healthy.get(0);
        Sample last = healthy.get(healthy.size() - 1);
        double seconds = Duration.between(first.lastTick(), last.lastTick()).toMillis() / 1000.0;
        if (seconds <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Rate((last.admitted() - first.admitted()) / seconds, seconds, healthy.size()));
    }

    /**
     * From a sample taken after every tick: admitted per second over the intervals between consecutive
     * ticks at full health that started with more than {@code minWaiting} people waiting, before
     * {@code untilNanos}, counting only intervals no longer than {@code maxGap}. Empty without such intervals.
     */
    public static Optional<PacedRate> pacedRate(List<Sample> samples, long untilNanos, long minWaiting, Duration maxGap) {
        long admitted = 0;
        long millis = 0;
        int intervals = 0;
        int stalls = 0;
        long stalledMillis = 0;
        long allAdmitted = 0;
        long allMillis = 0;
        for (int i = 1; i < samples.size(); i++) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            if (a.factor() != 1.0 || b.factor() != 1.0 || a.waiting() <= minWaiting || b.atNanos() >= untilNanos || a.admitted() == 0) {
                continue;
            }
            long gap = Duration.between(a.lastTick(), b.lastTick()).toMillis();
            allAdmitted += b.admitted() - a.admitted();
            allMillis += gap;
            if (gap > maxGap.toMillis()) {
                stalls++;
                stalledMillis += gap;
                continue;
            }
            admitted += b.admitted() - a.admitted();
            millis += gap;
            intervals++;
        }
        if (millis <= 0) {
            return Optional.empty();
        }
        return Optional.of(new PacedRate(new Rate(admitted * 1000.0 / millis, millis / 1000.0, intervals), stalls, stalledMillis / 1000.0,
                new Rate(allAdmitted * 1000.0 / Math.max(1, allMillis), allMillis / 1000.0, intervals + stalls)));
    }
}
