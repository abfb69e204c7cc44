package dev.holdfast.functions.platform;

import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.platform.StatusStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.platform.PlatformStatus;
import dev.holdfast.domain.platform.TradingMode;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /status}, {@code POST /admin/maintenance}, {@code GET /admin/audit}, and the
 * contract's {@code 404 NOT_FOUND} for unknown routes (API Gateway's {@code $default} route).
 */
public final class PlatformApi extends HttpFunction {
    static final int NOTICE_MAX = 500;
    private static final int ATTEMPTS = 25;

    private final StatusStore status;
    private final AuditLog audit;
    private final Clock clock;

    /** Lambda's entry: the container's deployment from the environment. */
    public PlatformApi() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.PLATFORM, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // an audit page read, and a maintenance change refused by validation (records nothing)
        handleRequest(Priming.http("GET /admin/audit").query("limit", "1").event(), null);
        handleRequest(Priming.http("POST /admin/maintenance").body("{\"mode\":\"SNAPSTART_PRIMING\",\"notice\":\"stub\"}").event(), null);
        Json.write(toJson(PlatformStatus.initial(clock.instant())));
    }

    public PlatformApi(Deployment deployment) {
        super(Functions.PLATFORM);
        this.audit = new AuditLog(deployment);
        this.status = new StatusStore(deployment, audit);
        this.clock = deployment.clock();
        serve("GET /status", r -> HttpResponse.of(200, toJson(status.current())));
        serve("POST /admin/maintenance", this::setMaintenance);
        serve("GET /admin/audit", this::auditTrail);
    }

    private HttpResponse setMaintenance(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(Set.of("mode", "notice"));
        TradingMode mode = body.requiredEnum("mode", TradingMode.class);
        Optional<String> notice = body.optionalString("notice", NOTICE_MAX);
        String actor = request.requireCaller().sub();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            PlatformStatus before = status.current();
            Instant now = clock.instant();
            PlatformStatus after = before.changeTo(mode, notice, now);
            AuditRecord record = new AuditRecord(AuditLog.newId(), actor, "MAINTENANCE_SET", "platform/status",
                    Json.write(toJson(before)), Json.write(toJson(after)), now);
            try {
                status.change(before, after, record);
                return HttpResponse.of(200, toJson(after));
            } catch (StatusStore.ConcurrentChange raced) {
                // another admin changed it in between: back off a little, read again and reapply
                Contention.pause(attempt);
            }
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the status is changing too often; nothing was changed, retry");
    }


    private HttpResponse auditTrail(HttpRequest request) {
        int limit = request.limit(50, 200);
        AuditLog.Filter filter = new AuditLog.Filter(filterParam(request, "actor"), filterParam(request, "action"),
                filterParam(request, "target"));
        AuditLog.AuditPage page = audit.page(request.queryParam("cursor"), limit, filter);
        return HttpResponse.page("records", page.records(), PlatformApi::auditJson, page.nextCursor());
    }

    /** An audit filter's value: absent or empty means "any"; at most 200 characters. */
    private static Optional<String> filterParam(HttpRequest request, String name) {
        Optional<String> v = request.queryParam(name).filter(x -> !x.isEmpty());
        if (v.isPresent() && v.get().length() > 200) {
            throw ApiError.validation(name, "'" + name + "' is at most 200 characters");
        }
        return v;
    }

    private static ObjectNode auditJson(AuditRecord r) {
        ObjectNode n = Json.object();
        n.put("auditId", r.auditId());
        n.put("actor", r.actor());
        n.put("action", r.action());
        n.put("target", r.target());
        n.set("before", Json.parseTrusted(r.beforeJson()));
        n.set("after", Json.parseTrusted(r.afterJson()));
        n.put("at", Rfc3339.format(r.at()));
        return n;
    }

    static ObjectNode toJson(PlatformStatus s) {
        ObjectNode n = Json.object();
        n.put("mode", s.mode().name());
        n.put("notice", s.notice().orElse(null));
        n.put("since", Rfc3339.format(s.since()));
        return n;
    }
}
