package dev.holdfast.local.drill;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Percentiles of a sample of durations in milliseconds (nearest rank). */
record Percentiles(int count, double p50, double p95, double p99, double max) {

    static Percentiles of(Collection<Double> millis) {
        if (millis.isEmpty()) {
            return new Percentiles(0, 0, 0, 0, 0);
        }
        List<Double> s = new ArrayList<>(millis);
        Collections.sort(s);
        return new Percentiles(s.size(), rank(s, 0.50), rank(s, 0.95), rank(s, 0.99), s.get(s.size() - 1));
    }

    private static double rank(List<Double> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms (n=%d)",
                p50, p95, p99, max, count);
    }
}
