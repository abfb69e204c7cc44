package dev.holdfast.functions.reconciliation;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import dev.holdfast.persistence.reconciliation.ReconciliationStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /admin/reconciliation/runs} and {@code GET /admin/reconciliation/latest}.
 *
 * <p>A run started here runs <em>within the request</em> (reads only; bounded by the function's
 * timeout, under API Gateway's 30 s), and its report and audit record are stored in one
 * transaction before the {@code 202 {"runId", "status": "STARTED"}} is sent: by then
 * {@code GET /admin/reconciliation/latest} shows it (unless a newer run finished meanwhile). The
 * scheduled {@link Reconciler} does the same every 15 minutes without a caller. The body is
 * optional; if present it must be an empty JSON object.
 */
public final class ReconciliationApi extends HttpFunction {
    private final ReconciliationReader reader;
    private final ReconciliationStore store;
    private final Clock clock;

    public ReconciliationApi() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.RECONCILIATION, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // the latest report read, and a run refused by validation (runs nothing)
        handleRequest(Priming.http("GET /admin/reconciliation/latest").event(), null);
        handleRequest(Priming.http("POST /admin/reconciliation/runs").body("{\"snapstart\":\"priming\"}").event(), null);
    }

    public ReconciliationApi(Deployment deployment) {
        super(Functions.RECONCILIATION);
        this.reader = new ReconciliationReader(deployment, 4);
        this.store = new ReconciliationStore(deployment, new AuditLog(deployment));
        this.clock = deployment.clock();
        serve("POST /admin/reconciliation/runs", this::startRun);
        serve("GET /admin/reconciliation/latest", this::latest);
    }

    private HttpResponse startRun(HttpRequest request) {
        if (request.body() != null && !request.body().isBlank()) {
            RequestBody.parse(request.body()).allowOnly(Set.of());
        }
        String admin = request.requireCaller().sub();
        String runId = ReconciliationStore.newRunId();
        long started = System.nanoTime();
        ReconciliationReport report = reader.run();
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        ObjectNode summary = Json.object().put("runId", runId).put("drift", report.drift())
                .put("accountsChecked", report.accountsChecked()).put("exposuresChecked", report.exposuresChecked());
        AuditRecord record = new AuditRecord(AuditLog.newId(), admin, "RECONCILIATION_RUN", "reconciliation/" + runId,
                "null", Json.write(summary), clock.instant());
        store.save(runId, "admin", report, durationMs, Optional.of(record));
        return HttpResponse.of(202, Json.object().put("runId", runId).put("status", "STARTED"));
    }

    private HttpResponse latest(HttpRequest request) {
        return store.latest()
                .map(run -> HttpResponse.of(200, ReconciliationJson.report(run)))
                .orElseThrow(() -> new ApiError(ErrorCode.RECONCILIATION_NOT_RUN,
                        "no reconciliation has run yet; start one with POST /admin/reconciliation/runs"));
    }
}
