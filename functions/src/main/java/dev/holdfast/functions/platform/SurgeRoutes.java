package dev.holdfast.functions.platform;

import dev.holdfast.retry.Retry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.domain.surge.Surge;
import dev.holdfast.domain.surge.SurgeKind;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.surges.SurgeStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * The surge calendar's admin routes: declare ({@code POST /admin/surges}), list what is upcoming
 * and current ({@code GET /admin/surges}), cancel ({@code DELETE /admin/surges/{surgeId}}: kept,
 * marked cancelled; cancelling again answers the surge as it was cancelled and writes nothing), and
 * record a deploy override ({@code POST /admin/surges/{surgeId}/override}). Every change is audited
 * in the same transaction.
 */
final class SurgeRoutes {
    /** A cancel that raced another: read again at once, 3 tries. */
    private static final Retry CANCEL_RETRY = Retry.atOnce(3);
    static final Set<String> FIELDS = Set.of("name", "kind", "startsAt", "endsAt", "expectedPeak");
    static final Set<String> PEAK_FIELDS = Set.of("ordersPerSecond", "entersPerSecond", "withdrawalsPerSecond");
    /** How long a deploy override lasts unless the call says otherwise, and at most. */
    static final Duration OVERRIDE_DEFAULT = Duration.ofMinutes(60);
    static final Duration OVERRIDE_MAX = Duration.ofHours(12);

    private final SurgeStore store;
    private final AuditLog audit;
    private final ChangeFreeze freeze;
    private final Clock clock;

    SurgeRoutes(SurgeStore store, AuditLog audit, ChangeFreeze freeze, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.freeze = freeze;
        this.clock = clock;
    }

    HttpResponse declare(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(FIELDS);
        Instant now = clock.instant();
        String name = body.requiredString("name", Surge.NAME_MAX);
        SurgeKind kind = body.requiredEnum("kind", SurgeKind.class);
        Instant startsAt = body.requiredTime("startsAt", now);
        Instant endsAt = body.requiredTime("endsAt", now);
        if (!startsAt.isBefore(endsAt)) {
            throw ApiError.validation("endsAt", "'endsAt' must be after 'startsAt'");
        }
        if (!endsAt.isAfter(now)) {
            throw ApiError.validation("endsAt", "'endsAt' must be in the future: the calendar holds upcoming and current surges");
        }
        if (Duration.between(startsAt, endsAt).compareTo(Surge.MAX_DECLARED) > 0) {
            throw ApiError.validation("endsAt", "a surge lasts at most " + Surge.MAX_DECLARED.toDays() + " days");
        }
        ExpectedPeak peak = peak(body.node().get("expectedPeak"));
        Surge surge = new Surge(SurgeStore.newId(endsAt), name, kind, startsAt, endsAt, peak,
                request.requireCaller().sub(), now, Optional.empty(), Optional.empty());
        ObjectNode view = toJson(surge, now);
        store.create(surge, new AuditRecord(AuditLog.newId(), surge.createdBy(), "SURGE_DECLARED",
                "surge/" + surge.surgeId(), "null", Json.write(view), now), audit);
        return HttpResponse.of(201, view);
    }

    private static ExpectedPeak peak(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiError.validation("expectedPeak", "'expectedPeak' is required");
        }
        if (!node.isObject()) {
            throw ApiError.validation("expectedPeak", "'expectedPeak' must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!PEAK_FIELDS.contains(f)) {
                throw ApiError.validation("expectedPeak." + f, "unknown field 'expectedPeak." + f + "'");
            }
        }
        return new ExpectedPeak(rate(node, "ordersPerSecond"), rate(node, "entersPerSecond"),
                rate(node, "withdrawalsPerSecond"));
    }

    private static long rate(JsonNode peak, String name) {
        String field = "expectedPeak." + name;
        JsonNode v = peak.get(name);
        if (v == null || v.isNull()) {
            throw ApiError.validation(field, "'" + field + "' is required (0 if none)");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > ExpectedPeak.MAX) {
            throw ApiError.validation(field, "'" + field + "' must be a whole number from 0 to " + ExpectedPeak.MAX);
        }
        return v.longValue();
    }

    HttpResponse list(HttpRequest request) {
        Instant now = clock.instant();
        ObjectNode out = Json.object();
        ArrayNode surges = out.putArray("surges");
        freeze.calendar().upcomingAndCurrent(now).forEach(s -> surges.add(toJson(s, now)));
        if (freeze.lead().isPresent()) {
            out.put("freezeLeadMinutes", freeze.lead().get().toMinutes());
        } else {
            out.putNull("freezeLeadMinutes"); // the freeze is off here
        }
        return HttpResponse.of(200, out);
    }

    HttpResponse cancel(HttpRequest request) {
        String reason = request.jsonBody().allowOnly(Set.of("reason")).requiredString("reason", Surge.REASON_MAX);
        String actor = request.requireCaller().sub();
        return CANCEL_RETRY.call(() -> {
            Surge before = find(request);
            Instant now = clock.instant();
            if (before.cancellation().isPresent()) {
                return HttpResponse.of(200, toJson(before, now)); // cancelled already: as it was, nothing written
            }
            if (!before.endsAt().isAfter(now)) {
                throw over(before);
            }
            Surge after = before.cancelled(new Surge.Cancellation(reason, actor, now));
            store.cancel(after, new AuditRecord(AuditLog.newId(), actor, "SURGE_CANCELLED", "surge/" + after.surgeId(),
                    Json.write(toJson(before, now)), Json.write(toJson(after, now)), now), audit);
            return HttpResponse.of(200, toJson(after, now));
        }, raced -> raced instanceof SurgeStore.ConcurrentChange, // cancelled meanwhile: read again and answer as above
                spent -> new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the surge is changing too often; nothing was changed, retry"));
    }

    HttpResponse override(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(Set.of("reason", "minutes"));
        String reason = body.requiredString("reason", Surge.REASON_MAX);
        Duration length = body.optionalLong("minutes", 1, OVERRIDE_MAX.toMinutes()).map(Duration::ofMinutes)
                .orElse(OVERRIDE_DEFAULT);
        String actor = request.requireCaller().sub();
        Surge before = find(request);
        Instant now = clock.instant();
        if (before.cancellation().isPresent()) {
            throw illegal(before, "CANCELLED", "the surge is cancelled: it freezes nothing");
        }
        if (!before.endsAt().isAfter(now)) {
            throw over(before);
        }
        Surge after = before.overriddenForDeploys(reason, actor, now, length);
        try {
            store.override(after, new AuditRecord(AuditLog.newId(), actor, "SURGE_DEPLOY_OVERRIDE", "surge/" + after.surgeId(),
                    Json.write(toJson(before, now)), Json.write(toJson(after, now)), now), audit);
        } catch (SurgeStore.ConcurrentChange raced) {
            throw illegal(before, "CANCELLED", "the surge was cancelled meanwhile: it freezes nothing");
        }
        return HttpResponse.of(200, toJson(after, now));
    }

    private Surge find(HttpRequest request) {
        String id = request.pathParameter("surgeId");
        return store.get(id).orElseThrow(() -> {
            ObjectNode d = Json.object();
            d.put("surgeId", id);
            return new ApiError(ErrorCode.SURGE_NOT_FOUND, "no surge " + id, d);
        });
    }

    private static ApiError over(Surge s) {
        return illegal(s, "ENDED", "the surge is over; the calendar keeps it as it was");
    }

    private static ApiError illegal(Surge s, String status, String message) {
        ObjectNode d = Json.object();
        d.put("surgeId", s.surgeId());
        d.put("status", status);
        return new ApiError(ErrorCode.ILLEGAL_TRANSITION, message, d);
    }

    ObjectNode toJson(Surge s, Instant now) {
        ObjectNode n = Json.object();
        n.put("surgeId", s.surgeId());
        n.put("name", s.name());
        n.put("kind", s.kind().name());
        n.put("startsAt", Rfc3339.format(s.startsAt()));
        n.put("endsAt", Rfc3339.format(s.endsAt()));
        ObjectNode peak = n.putObject("expectedPeak");
        peak.put("ordersPerSecond", s.expectedPeak().ordersPerSecond());
        peak.put("entersPerSecond", s.expectedPeak().entersPerSecond());
        peak.put("withdrawalsPerSecond", s.expectedPeak().withdrawalsPerSecond());
        n.put("status", s.statusAt(now).name());
        n.put("freezeStartsAt", freeze.lead().map(lead -> Rfc3339.format(s.freezeStartsAt(lead))).orElse(null));
        n.put("createdBy", s.createdBy());
        n.put("createdAt", Rfc3339.format(s.createdAt()));
        if (s.cancellation().isPresent()) {
            ObjectNode c = n.putObject("cancelled");
            c.put("reason", s.cancellation().get().reason());
            c.put("by", s.cancellation().get().by());
            c.put("at", Rfc3339.format(s.cancellation().get().at()));
        } else {
            n.putNull("cancelled");
        }
        if (s.deployOverride().isPresent()) {
            Surge.DeployOverride o = s.deployOverride().get();
            ObjectNode d = n.putObject("deployOverride");
            d.put("reason", o.reason());
            d.put("by", o.by());
            d.put("at", Rfc3339.format(o.at()));
            d.put("expiresAt", Rfc3339.format(o.expiresAt()));
            d.put("active", o.activeAt(now));
        } else {
            n.putNull("deployOverride");
        }
        return n;
    }
}
