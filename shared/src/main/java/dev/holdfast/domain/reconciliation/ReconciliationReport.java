package dev.holdfast.domain.reconciliation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one reconciliation: how much was checked, and every stored value that differs
 * from its rebuild.
 *
 * @param accountsChecked  account views compared with their ledgers (and open orders)
 * @param exposuresChecked exposure buckets compared with the open orders' claims
 * @param drift            the number of stored views (items) with at least one mismatch
 * @param unverified       items whose comparison could not be made on a stable read because
 *                         writes to them never paused (see {@code ReconciliationReader}); not drift
 */
public record ReconciliationReport(Instant at, int accountsChecked, int exposuresChecked, int drift,
                                   List<Mismatch> mismatches, List<String> unverified) {
    public ReconciliationReport {
        Objects.requireNonNull(at);
        mismatches = List.copyOf(mismatches);
        unverified = List.copyOf(unverified);
    }

    /** A report over {@code mismatches}; {@code drift} is the number of distinct items among them. */
    public static ReconciliationReport of(Instant at, int accountsChecked, int exposuresChecked, List<Mismatch> mismatches) {
        return of(at, accountsChecked, exposuresChecked, mismatches, List.of());
    }

    public static ReconciliationReport of(Instant at, int accountsChecked, int exposuresChecked, List<Mismatch> mismatches,
                                          List<String> unverified) {
        int drift = (int) mismatches.stream().map(Mismatch::item).distinct().count();
        return new ReconciliationReport(at, accountsChecked, exposuresChecked, drift, mismatches, unverified);
    }
}
