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
import dev.holdfast.retry.Retry;

import dev.holdfast.functions.runtime.Metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /status}, {@code POST /admin/maintenance}, {@code GET /admin/audit}, and the
 * contract's {@code 404 NOT_FOUND} for unknown routes (API Gateway's {@code $default} route).
 */
public final class PlatformApi extends HttpFunction {
    static final int NOTICE_MAX = 500;
    /** A concurrent status change is read again and reapplied, after a pause, up to 25 tries. */
    private static final Retry RETRY = Retry.attempts(25);

    private final StatusStore status;
    private final AuditLog audit;
    private final ChangeFreeze freeze;
    private final SurgeRoutes surges;
    private final Metrics metrics = new Metrics(Functions.PLATFORM.id());
    private final Clock clock;

    /** Lambda's entry: the container's deployment from the environment. */
    public PlatformApi() {
        this(Deployment.fromEnvironment(), System.getenv());
        Priming.register(Functions.PLATFORM, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // an audit page read, and a maintenance change refused by validation (records nothing)
        handleRequest(Priming.http("GET /admin/audit").query("limit", "1").event(), null);
        handleRequest(Priming.http("POST /admin/maintenance").body("{\"mode\":\"SNAPSTART_PRIMING\",\"notice\":\"stub\"}").event(), null);
        Json.write(toJson(PlatformStatus.initial(clock.instant()), clock.instant()));
    }

    public PlatformApi(Deployment deployment) {
        this(deployment, Map.of());
    }

    /** @param environment the freeze's lead time ({@link ChangeFreeze#LEAD_VARIABLE}) */
    public PlatformApi(Deployment deployment, Map<String, String> environment) {
        super(Functions.PLATFORM);
        this.audit = new AuditLog(deployment);
        this.status = new StatusStore(deployment, audit);
        this.clock = deployment.clock();
        this.freeze = ChangeFreeze.of(deployment, environment);
        this.surges = new SurgeRoutes(freeze.store(), audit, freeze, clock);
        serve("GET /status", r -> showStatus());
        serve("POST /admin/maintenance", this::setMaintenance);
        serve("GET /admin/audit", this::auditTrail);
        serve("POST /admin/surges", surges::declare);
        serve("GET /admin/surges", surges::list);
        serve("DELETE /admin/surges/{surgeId}", surges::cancel);
        serve("POST /admin/surges/{surgeId}/override", surges::override);
    }

    /**
     * The status as shown now. Past the announced end of a maintenance it says so, and emits
     * {@value Metrics#MAINTENANCE_OVERRUN} (seconds past the end): the alarm that pages on-call.
     */
    private HttpResponse showStatus() {
        PlatformStatus s = status.current();
        Instant now = clock.instant();
        if (s.extendedAt(now)) {
            metrics.maintenanceOverrun(s.overrunAt(now).toSeconds());
        }
        return HttpResponse.of(200, toJson(s, now));
    }

    private HttpResponse setMaintenance(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(Set.of("mode", "notice", "until", "override"));
        TradingMode mode = body.requiredEnum("mode", TradingMode.class);
        Optional<String> notice = body.optionalString("notice", NOTICE_MAX);
        Optional<Instant> until = body.optionalTime("until", clock.instant());
        if (until.isPresent() && mode == TradingMode.NORMAL) {
            throw ApiError.validation("until", "'until' is the announced end of a maintenance: only with a mode other than NORMAL");
        }
        if (until.isPresent() && !until.get().isAfter(clock.instant())) {
            throw ApiError.validation("until", "'until' must be in the future");
        }
        Optional<String> override = overrideReason(body);
        String actor = request.requireCaller().sub();
        Optional<dev.holdfast.domain.surge.Surge> frozenBy = mode == TradingMode.NORMAL ? Optional.empty() : freeze.maintenance();
        if (frozenBy.isPresent() && override.isEmpty()) {
            throw freeze.frozen(frozenBy.get());
        }
        return RETRY.call(() -> {
            PlatformStatus before = status.current();
            Instant now = clock.instant();
            PlatformStatus after = before.changeTo(mode, notice, until, now);
            ObjectNode recorded = toJson(after, now);
            override.ifPresent(reason -> {
                ObjectNode o = recorded.putObject("override");
                o.put("reason", reason);
                o.put("surgeId", frozenBy.map(dev.holdfast.domain.surge.Surge::surgeId).orElse(null));
            });
            AuditRecord record = new AuditRecord(AuditLog.newId(), actor, "MAINTENANCE_SET", "platform/status",
                    Json.write(toJson(before, now)), Json.write(recorded), now);
            status.change(before, after, record);
            return HttpResponse.of(200, toJson(after, now));
        }, raced -> raced instanceof StatusStore.ConcurrentChange, // another admin changed it in between: read again and reapply
                spent -> new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the status is changing too often; nothing was changed, retry"));
    }


    /** {@code "override": {"reason": "…"}}: the reason to go ahead through a change freeze. */
    private static Optional<String> overrideReason(RequestBody body) {
        com.fasterxml.jackson.databind.JsonNode o = body.node().get("override");
        if (o == null || o.isNull()) {
            return Optional.empty();
        }
        if (!o.isObject()) {
            throw ApiError.validation("override", "'override' must be an object {\"reason\": \"…\"}");
        }
        RequestBody inner = RequestBody.parse(Json.write(o));
        try {
            inner.allowOnly(Set.of("reason"));
            return Optional.of(inner.requiredString("reason", dev.holdfast.domain.surge.Surge.REASON_MAX));
        } catch (ApiError e) {
            throw ApiError.validation("override." + e.details().path("field").asText("reason"), e.getMessage());
        }
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

    /** The status as shown at {@code now}: past the announced end, {@code extended} and the notice says so. */
    static ObjectNode toJson(PlatformStatus s, Instant now) {
        ObjectNode n = Json.object();
        n.put("mode", s.mode().name());
        n.put("notice", s.noticeAt(now, s.until().map(Rfc3339::format).orElse("")).orElse(null));
        n.put("since", Rfc3339.format(s.since()));
        n.put("until", s.until().map(Rfc3339::format).orElse(null));
        n.put("extended", s.extendedAt(now));
        return n;
    }
}
