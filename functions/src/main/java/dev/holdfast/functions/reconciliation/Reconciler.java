package dev.holdfast.functions.reconciliation;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import dev.holdfast.persistence.reconciliation.ReconciliationStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Scheduled reconciliation ({@code Triggers.RECONCILE_EVERY_SECONDS}, every 15 minutes in AWS; the
 * local environment fires it on the same period, and tests or {@code ./localstack/reconcile} run
 * one on demand): rebuilds every balance from the ledger and every exposure view from the open
 * orders ({@link ReconciliationReader} states what is exact under concurrent writes), stores the
 * report append-only, and logs one JSON line — {@code WARN} with {@code "drift"} above 0, for a log
 * metric filter and alarm. Reads only; a late or overlapping run is harmless.
 */
public final class Reconciler implements RequestHandler<Map<String, Object>, Void> {
    private final ReconciliationReader reader;
    private final ReconciliationStore store;
    private final JsonLog log = new JsonLog("reconciler");

    public Reconciler() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.RECONCILER, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // the reconciliation math on an empty stub (a full run would read every account)
        dev.holdfast.domain.reconciliation.Reconciliation.openExposureByAccount(java.util.List.of());
        dev.holdfast.domain.reconciliation.Reconciliation.usedByBucket(java.util.List.of());
    }

    public Reconciler(Deployment deployment) {
        this.reader = new ReconciliationReader(deployment, 8);
        this.store = new ReconciliationStore(deployment, new AuditLog(deployment));
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private Void handle(Map<String, Object> event, Context context) {
        runOnce(context == null ? UUID.randomUUID().toString() : context.getAwsRequestId());
        return null;
    }

    /** One run, stored; returns it. */
    public ReconciliationStore.Run runOnce(String requestId) {
        String runId = ReconciliationStore.newRunId();
        long started = System.nanoTime();
        ReconciliationReport report = reader.run();
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        ReconciliationStore.Run run = store.save(runId, "schedule", report, durationMs, Optional.empty());
        ObjectNode line = log.line(report.drift() == 0 ? "INFO" : "WARN", requestId, "reconciliation finished");
        line.put("runId", runId);
        line.put("drift", report.drift());
        line.put("accountsChecked", report.accountsChecked());
        line.put("exposuresChecked", report.exposuresChecked());
        line.put("durationMs", durationMs);
        log.write(line);
        return run;
    }
}
