package dev.holdfast.functions.risk;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.ExposureStore;
import dev.holdfast.persistence.exposure.RiskConfigStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.risk.RiskConfigDiff;
import dev.holdfast.api.risk.RiskConfigJson;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /admin/risk/config} (with {@code ETag: "<version>"}), {@code PUT /admin/risk/config}
 * (whole config + {@code reason}, guarded by {@code If-Match: <version>}; audited) and
 * {@code GET /admin/risk/config/history}.
 */
public final class RiskApi extends HttpFunction {
    /** {@code 3} or {@code "3"}; a version is 1 to 18 digits. */
    private static final Pattern IF_MATCH = Pattern.compile("\\s*(\"?)([0-9]{1,18})\\1\\s*");

    private final dev.holdfast.persistence.exposure.RiskLagStore lag;
    private final ExposureStore exposure;
    private final dev.holdfast.persistence.exposure.PostTradeStore postTrade;
    private final RiskConfigStore store;
    private final Clock clock;

    /** Lambda's entry: the container's deployment from the environment. */
    public RiskApi() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.RISK, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // a flags page read, and a config replacement refused by validation (writes nothing)
        handleRequest(Priming.http("GET /admin/risk/flags").query("limit", "1").event(), null);
        handleRequest(Priming.http("PUT /admin/risk/config").header("if-match", "\"1\"").body("{}").event(), null);
    }

    public RiskApi(Deployment deployment) {
        super(Functions.RISK);
        this.store = new RiskConfigStore(deployment, new AuditLog(deployment));
        this.clock = deployment.clock();
        this.exposure = new ExposureStore(deployment);
        serve("GET /admin/risk/config", r -> withETag(store.current()));
        serve("GET /admin/exposure", this::exposure);
        serve("PUT /admin/risk/config", this::replace);
        serve("GET /admin/risk/config/history", r -> HttpResponse.of(200, history(store.history())));
        this.postTrade = new dev.holdfast.persistence.exposure.PostTradeStore(deployment);
        serve("GET /admin/risk/flags", this::flags);
        this.lag = new dev.holdfast.persistence.exposure.RiskLagStore(deployment);
        serve("GET /admin/risk/lag", this::lag);
    }

    /**
     * {@code GET /admin/risk/lag}: the post-trade processor's last lag report, the bound it is held
     * to, and whether orders are refused for it right now ({@code failClosed}).
     */
    private HttpResponse lag(HttpRequest request) {
        var current = lag.current();
        int max = store.current().failClose().maxRiskLagSeconds();
        Instant now = clock.instant();
        ObjectNode out = Json.object();
        out.put("reported", current.isPresent());
        out.put("lagSeconds", current.map(l -> java.math.BigDecimal.valueOf(l.lag().toMillis(), 3)).orElse(null));
        out.put("measuredAt", current.map(l -> dev.holdfast.domain.Rfc3339.format(l.measuredAt())).orElse(null));
        out.put("maxRiskLagSeconds", max);
        out.put("failClosed", dev.holdfast.persistence.exposure.RiskLagStore.failClosed(current, max, now));
        return HttpResponse.of(200, out);
    }

    /**
     * {@code GET /admin/exposure?scope=&id=}: a scope's open liability (the sum of its buckets) and
     * its limit. GLOBAL needs no id; EVENT is per selection, so it also takes {@code selectionId}.
     */
    private HttpResponse exposure(HttpRequest request) {
        String rawScope = request.queryParam("scope")
                .orElseThrow(() -> ApiError.validation("scope", "'scope' is required: GLOBAL, EVENT, USER or SEGMENT"));
        LimitScope scope;
        try {
            scope = LimitScope.valueOf(rawScope);
        } catch (IllegalArgumentException e) {
            throw ApiError.validation("scope", "'scope' must be GLOBAL, EVENT, USER or SEGMENT");
        }
        String id = scope == LimitScope.GLOBAL ? "GLOBAL" : request.queryParam("id").filter(v -> !v.isBlank() && v.length() <= 200)
                .orElseThrow(() -> ApiError.validation("id", "'id' is required for " + scope));
        String scopeKey = id;
        ObjectNode out = Json.object();
        out.put("scope", scope.name());
        out.put("id", id);
        if (scope == LimitScope.EVENT) {
            String selectionId = request.queryParam("selectionId").filter(v -> !v.isBlank() && v.length() <= 200)
                    .orElseThrow(() -> ApiError.validation("selectionId", "the event limit is per selection: 'selectionId' is required"));
            scopeKey = id + "/" + selectionId;
            out.put("selectionId", selectionId);
        }
        java.math.BigDecimal used = exposure.exposure(scope, scopeKey);
        java.math.BigDecimal limit = store.current().limit(scope, id).value();
        out.put("exposure", used.stripTrailingZeros().toPlainString());
        out.put("limit", limit.toPlainString());
        out.put("headroom", limit.subtract(used).stripTrailingZeros().toPlainString());
        out.put("buckets", dev.holdfast.domain.order.ExposureClaim.bucketsFor(scope));
        return HttpResponse.of(200, out);
    }

    /** {@code GET /admin/risk/flags?limit=&cursor=}: post-trade flags, newest first. */
    private HttpResponse flags(HttpRequest request) {
        dev.holdfast.persistence.exposure.PostTradeStore.FlagPage page = postTrade.flags(request.limit(50, 200), request.queryParam("cursor"));
        return HttpResponse.page("flags", page.flags(), dev.holdfast.persistence.exposure.PostTradeStore::flagJson, page.nextCursor());
    }

    private HttpResponse replace(HttpRequest request) {
        long ifMatch = ifMatch(request);
        JsonNode body = request.jsonBody().node();
        RiskConfig next = RiskConfigJson.fromJson(body, ifMatch + 1);
        String reason = RiskConfigJson.reasonOf(body);
        String actor = request.requireCaller().sub();
        RiskConfigStore.ReplaceOutcome outcome = store.replace(ifMatch, next, actor, reason, clock.instant());
        if (outcome instanceof RiskConfigStore.VersionConflict e) {
            ObjectNode d = Json.object();
            d.put("currentVersion", e.currentVersion());
            throw new ApiError(ErrorCode.VERSION_CONFLICT, "the risk config changed since version " + ifMatch
                    + "; read version " + e.currentVersion() + " and apply your change to it", d);
        }
        return withETag(((RiskConfigStore.Replaced) outcome).current());
    }

    /** The version the change applies to, from {@code If-Match: 3} or {@code If-Match: "3"}. */
    static long ifMatch(HttpRequest request) {
        String raw = request.header("If-Match")
                .orElseThrow(() -> ApiError.validation("If-Match", "'If-Match' is required: the version you read (its ETag)"));
        Matcher m = IF_MATCH.matcher(raw);
        if (!m.matches()) {
            throw ApiError.validation("If-Match", "'If-Match' must be a config version, such as 3 or \"3\"");
        }
        return Long.parseLong(m.group(2));
    }

    private static HttpResponse withETag(RiskConfig c) {
        return HttpResponse.of(200, RiskConfigJson.toJson(c)).withHeader("ETag", "\"" + c.version() + "\"");
    }

    static ObjectNode history(List<RiskConfigStore.Version> versions) {
        ObjectNode out = Json.object();
        ArrayNode arr = out.putArray("versions");
        RiskConfig previous = null;
        for (RiskConfigStore.Version v : versions) {
            ObjectNode n = arr.addObject();
            n.put("version", v.version());
            n.put("changedBy", v.changedBy());
            n.put("changedAt", Rfc3339.format(v.changedAt()));
            n.put("reason", v.reason());
            n.set("diff", previous == null ? Json.array() : RiskConfigDiff.toJson(RiskConfigDiff.diff(previous, v.config())));
            n.set("config", RiskConfigJson.toJson(v.config()));
            previous = v.config();
        }
        return out;
    }
}
