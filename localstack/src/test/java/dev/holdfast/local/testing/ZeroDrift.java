package dev.holdfast.local.testing;

import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import dev.holdfast.domain.reconciliation.Mismatch;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.local.LocalHoldfast;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * "Drift must be zero after every test in the suite", enforced: registered for every test class of
 * this module (autodetected through {@code META-INF/services}), after each class that used the
 * {@link SharedEnvironment} it reconciles that environment — every balance rebuilt from the ledger,
 * every exposure view from the open orders — and fails the class with the mismatches if any stored
 * view differs — drift that appeared during that class, so it is blamed on the class that made it.
 * Once more at the very end of the run (all drift). Tests that start their own environment call
 * {@link #assertZero(LocalHoldfast)} before closing it.
 *
 * <p>A drift is real only if it is still there a moment later: the reader already re-checks
 * exposure races, and a second run after a short pause absorbs work still in flight when a class
 * ends (e.g. a queue consumer finishing). Real drift never goes away by itself.
 */
public final class ZeroDrift implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ZeroDrift.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("uses", SharedEnvironment.uses());
        context.getRoot().getStore(NS).getOrComputeIfAbsent("end-of-run", k -> new EndOfRun(), EndOfRun.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Long before = context.getStore(NS).get("uses", Long.class);
        if (before != null && SharedEnvironment.uses() > before) {
            SharedEnvironment.ifStarted().ifPresent(env -> assertNoNewDrift(env, context.getDisplayName()));
        }
    }

    /** Mismatches of the shared environment already blamed on an earlier class. */
    private static final Set<Mismatch> KNOWN = ConcurrentHashMap.newKeySet();

    /**
     * Fails a class only for drift that appeared during it, so that one class's drift is reported
     * against that class, not against every class after it (the end-of-run check reports all).
     */
    private static void assertNoNewDrift(LocalHoldfast env, String where) {
        ReconciliationReport report = reconcile(env, where);
        List<Mismatch> fresh = report.mismatches().stream().filter(m -> !KNOWN.contains(m)).toList();
        KNOWN.addAll(report.mismatches());
        if (!fresh.isEmpty()) {
            throw failure(fresh, where);
        }
    }

    /** Fails with the mismatches unless {@code env} has zero drift. */
    public static ReconciliationReport assertZero(LocalHoldfast env) {
        return assertZero(env, "environment");
    }

    public static ReconciliationReport assertZero(LocalHoldfast env, String where) {
        ReconciliationReport report = reconcile(env, where);
        if (report.drift() != 0) {
            throw failure(report.mismatches(), where);
        }
        return report;
    }

    private static ReconciliationReport reconcile(LocalHoldfast env, String where) {
        long started = System.nanoTime();
        ReconciliationReader reader = new ReconciliationReader(env.deployment(), 4);
        ReconciliationReport report = reader.run();
        if (report.drift() != 0) {
            sleep(500);
            report = reader.run();
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.err.printf("[zero-drift] %s: %d accounts, %d exposure buckets, drift %d, %d ms%n",
                where, report.accountsChecked(), report.exposuresChecked(), report.drift(), ms);
        return report;
    }

    private static AssertionError failure(List<Mismatch> mismatches, String where) {
        long drift = mismatches.stream().map(Mismatch::item).distinct().count();
        return new AssertionError("reconciliation drift " + drift + " after " + where + ":\n"
                + mismatches.stream().map(ZeroDrift::line).collect(Collectors.joining("\n")));
    }

    private static String line(Mismatch m) {
        return "  " + m.kind() + " " + m.item() + ": stored " + m.stored().toPlainString()
                + ", rebuilt " + m.rebuilt().toPlainString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Checks the shared environment once more when the whole run ends. */
    private static final class EndOfRun implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            SharedEnvironment.ifStarted().ifPresent(env -> assertZero(env, "the whole run"));
        }
    }
}
