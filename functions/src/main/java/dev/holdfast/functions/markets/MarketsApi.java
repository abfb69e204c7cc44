package dev.holdfast.functions.markets;

import dev.holdfast.functions.http.IdempotentReplay;
import dev.holdfast.persistence.Contention;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.KeyedCommit;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.markets.MarketItems;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.settlement.SettlementStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.market.Event;
import dev.holdfast.domain.market.FeedMapping;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.market.Selection;
import dev.holdfast.domain.market.Transition;
import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.pricing.MarginPolicy;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.functions.platform.MoneyMovement;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.domain.settlement.MarketResult;
import dev.holdfast.domain.wallet.LedgerIds;
import dev.holdfast.functions.settlement.Settler;
import dev.holdfast.resources.Queues;
import software.amazon.awssdk.services.sqs.SqsClient;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Events, markets and prices: creating them (admin), moving a market through its state machine
 * (admin; every transition recorded with its cause), reading markets and immutable price snapshots,
 * and the feed quarantine. Reads are one item read each; the display price shown here is never
 * what an order is checked against (orders check the committed pointer inside their transaction).
 */
public final class MarketsApi extends HttpFunction {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9:_.-]{1,100}");
    /** A market changed meanwhile is decided again, up to 10 tries. */
    private static final Retry RETRY = Retry.attempts(10);

    private final MarketStore markets;
    private final SettlementStore settlements;
    private final StatusStore status;
    private final SqsClient sqs;
    private final Deployment deployment;
    private final Clock clock;

    public MarketsApi() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.MARKETS, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // market and snapshot reads that miss, a market creation refused for its absent event (writes
        // nothing), and the pricing math on a stub
        handleRequest(Priming.http("GET /markets/{marketId}").path("marketId", Priming.ABSENT_KEY).event(), null);
        handleRequest(Priming.http("GET /markets/{marketId}/prices/{priceVersion}").path("marketId", Priming.ABSENT_KEY)
                .path("priceVersion", "1").event(), null);
        handleRequest(Priming.http("POST /admin/markets").body("{\"eventId\":\"snapstart-priming#absent\",\"name\":\"Match winner\",\"selections\":[{\"name\":\"Home\"},{\"name\":\"Draw\"},{\"name\":\"Away\"}],\"feed\":{\"provider\":\"snapstart-priming\",\"providerMarketId\":\"absent\",\"selections\":{\"1\":0,\"2\":1,\"3\":2}}}").event(), null);
        dev.holdfast.domain.pricing.Pricing.price(java.util.Map.of("s-1", new java.math.BigDecimal("0.55"),
                        "s-2", new java.math.BigDecimal("0.45")), dev.holdfast.domain.pricing.MarginPolicy.DEFAULT,
                dev.holdfast.domain.pricing.ExposureSignal.NONE);
    }

    public MarketsApi(Deployment deployment) {
        super(Functions.MARKETS);
        AuditLog audit = new AuditLog(deployment);
        this.markets = new MarketStore(deployment, audit);
        this.settlements = new SettlementStore(deployment, audit);
        this.status = new StatusStore(deployment, audit);
        this.sqs = deployment.clients().sqs();
        this.deployment = deployment;
        this.clock = deployment.clock();
        serve("POST /admin/events", this::createEvent);
        serve("POST /admin/markets", this::createMarket);
        serve("POST /admin/markets/{marketId}/state", this::setState);
        serve("GET /admin/markets/{marketId}/transitions", this::transitions);
        serve("POST /admin/markets/{marketId}/result", this::declareResult);
        serve("GET /admin/markets/{marketId}/settlement", this::settlementProgress);
        serve("GET /admin/feed/quarantine", this::quarantine);
        serve("GET /admin/markets/{marketId}/feed", r -> HttpResponse.of(200, feedInfo(find(r.pathParameter("marketId")))));
        serve("POST /admin/markets/{marketId}/feed/sequence", this::resetFeedSequence);
        serve("GET /markets", this::list);
        serve("GET /markets/{marketId}", r -> {
            Market m = find(r.pathParameter("marketId"));
            return DisplayCaching.answer(r, DisplayCaching.etag(m), HttpResponse.of(200, MarketJson.market(m)));
        });
        serve("GET /markets/{marketId}/prices/{priceVersion}", this::snapshot);
    }

    /** A market's feed bookkeeping: the last applied sequence and the ignored older ones. */
    private ObjectNode feedInfo(Market m) {
        MarketStore.FeedStats stats = markets.feedStats(m.marketId());
        ObjectNode n = Json.object();
        n.put("marketId", m.marketId());
        n.put("provider", m.feed().provider());
        n.put("providerMarketId", m.feed().providerMarketId());
        n.put("lastSequence", m.lastSequence());
        n.put("ignoredOlderSequences", stats.ignoredOlder());
        if (stats.lastIgnoredAt().isPresent()) {
            n.put("lastIgnoredSequence", stats.lastIgnoredSequence());
            n.put("lastIgnoredAt", Rfc3339.format(stats.lastIgnoredAt().get()));
        } else {
            n.putNull("lastIgnoredSequence");
            n.putNull("lastIgnoredAt");
        }
        return n;
    }

    /**
     * {@code POST /admin/markets/{id}/feed/sequence {"sequence", "reason"}}: sets the market's last
     * feed sequence (the next message must be newer), e.g. after an absurd sequence was applied or
     * the provider restarted its numbering. Audited as {@code FEED_SEQUENCE_RESET}.
     */
    private HttpResponse resetFeedSequence(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(Set.of("sequence", "reason"));
        long sequence = body.optionalLong("sequence", 0, Long.MAX_VALUE)
                .orElseThrow(() -> ApiError.validation("sequence", "'sequence' is required: a whole number from 0"));
        String reason = body.requiredString("reason", 500);
        String sub = request.requireCaller().sub();
        String marketId = request.pathParameter("marketId");
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Market before = find(marketId);
            Instant now = clock.instant();
            Market.Change change = before.withFeedSequence(sequence);
            ObjectNode was = Json.object().put("lastSequence", before.lastSequence());
            ObjectNode is = Json.object().put("lastSequence", sequence).put("reason", reason);
            MarketStore.SaveOutcome saved = markets.save(before, change, Optional.empty(), Optional.of(new AuditRecord(
                    AuditLog.newId(), sub, "FEED_SEQUENCE_RESET", "market/" + marketId, Json.write(was), Json.write(is), now)));
            if (saved instanceof MarketStore.Saved) {
                return HttpResponse.of(200, feedInfo(change.after()));
            }
            // Raced: the feed moved it meanwhile: set it again on the new revision
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the market is changing too fast; nothing was changed, retry");
    }

    private HttpResponse createEvent(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(Set.of("name", "startsAt", "segment"));
        String name = body.requiredString("name", 200);
        Instant startsAt = time(body, "startsAt");
        String segment = body.requiredString("segment", 100);
        if (!SEGMENT.matcher(segment).matches()) {
            throw ApiError.validation("segment", "'segment' may hold letters, digits and : _ . - only");
        }
        Instant now = clock.instant();
        Event e = new Event("e-" + UUID.randomUUID(), name, startsAt, segment, now);
        ObjectNode json = MarketItems.eventJson(e);
        markets.createEvent(e, new AuditRecord(AuditLog.newId(), request.requireCaller().sub(), "EVENT_CREATED",
                "event/" + e.eventId(), "null", Json.write(json), now));
        return HttpResponse.of(201, json);
    }

    private HttpResponse createMarket(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(Set.of("eventId", "name", "selections", "feed", "margin"));
        String eventId = body.requiredString("eventId", 100);
        String name = body.requiredString("name", 200);
        List<Selection> selections = selections(body.node().get("selections"));
        FeedMapping feed = feed(body.node().get("feed"), selections);
        MarginPolicy margin = margin(body.node().get("margin"));
        if (markets.event(eventId).isEmpty()) {
            throw new ApiError(ErrorCode.EVENT_NOT_FOUND, "no event " + eventId);
        }
        Instant now = clock.instant();
        Market m = new Market("m-" + UUID.randomUUID(), eventId, name, MarketState.PENDING, null, selections, feed,
                margin, ExposureSignal.NONE, Optional.empty(), 0, 1, now);
        String sub = request.requireCaller().sub();
        MarketStore.CreateOutcome created = markets.createMarket(m,
                new Transition(null, MarketState.PENDING, sub, "created", now),
                new AuditRecord(AuditLog.newId(), sub, "MARKET_CREATED", "market/" + m.marketId(), "null",
                        Json.write(MarketJson.adminMarket(m)), now));
        if (created instanceof MarketStore.FeedTaken) {
            ObjectNode d = Json.object();
            d.put("field", "feed.providerMarketId");
            throw new ApiError(ErrorCode.FEED_MAPPING_TAKEN, "another market already maps " + feed.provider() + " "
                    + feed.providerMarketId(), d);
        }
        return HttpResponse.of(201, MarketJson.adminMarket(m));
    }

    private static List<Selection> selections(JsonNode node) {
        if (node == null || !node.isArray() || node.size() < 2 || node.size() > 50) {
            throw ApiError.validation("selections", "'selections' must be an array of 2 to 50 selections");
        }
        List<Selection> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            String field = "selections[" + i + "].name";
            if (!s.isObject() || s.size() != 1 || !s.path("name").isTextual() || s.path("name").asText().isBlank()
                    || s.path("name").asText().length() > 200) {
                throw ApiError.validation(field, "each selection is {\"name\": a non-blank string of at most 200 characters}");
            }
            if (!names.add(s.path("name").asText())) {
                throw ApiError.validation(field, "selection names must be unique");
            }
            out.add(new Selection("s-" + UUID.randomUUID(), s.path("name").asText()));
        }
        return out;
    }

    /** The feed mapping; values name a selection by its index in {@code selections} (0-based). */
    private static FeedMapping feed(JsonNode node, List<Selection> selections) {
        if (node == null || !node.isObject()) {
            throw ApiError.validation("feed", "'feed' is required: {provider, providerMarketId, selections}");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("provider", "providerMarketId", "selections").contains(f)) {
                throw ApiError.validation("feed." + f, "unknown field 'feed." + f + "'");
            }
        }
        String provider = text(node, "provider", "feed.provider");
        String providerMarketId = text(node, "providerMarketId", "feed.providerMarketId");
        JsonNode map = node.get("selections");
        if (map == null || !map.isObject() || map.size() != selections.size()) {
            throw ApiError.validation("feed.selections", "'feed.selections' must map one provider selection to each selection");
        }
        Map<String, String> mapping = new LinkedHashMap<>();
        Set<Integer> used = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            int index = -1;
            if (v.isIntegralNumber() && v.canConvertToInt()) {
                index = v.intValue();
            } else if (v.isTextual() && v.asText().matches("\\d{1,2}")) {
                index = Integer.parseInt(v.asText());
            }
            if (e.getKey().isBlank() || e.getKey().length() > 100 || index < 0 || index >= selections.size() || !used.add(index)) {
                throw ApiError.validation("feed.selections", "each provider selection maps to a distinct selection index 0.."
                        + (selections.size() - 1));
            }
            mapping.put(e.getKey(), selections.get(index).selectionId());
        }
        return new FeedMapping(provider, providerMarketId, mapping);
    }

    private static MarginPolicy margin(JsonNode node) {
        if (node == null || node.isNull()) {
            return MarginPolicy.DEFAULT;
        }
        if (!node.isObject()) {
            throw ApiError.validation("margin", "'margin' must be {overround, maxExposureShortening}");
        }
        try {
            return new MarginPolicy(decimal(node, "overround", "margin.overround"),
                    decimal(node, "maxExposureShortening", "margin.maxExposureShortening"));
        } catch (IllegalArgumentException e) {
            throw ApiError.validation("margin", e.getMessage());
        }
    }

    private static BigDecimal decimal(JsonNode node, String name, String field) {
        String s = text(node, name, field);
        if (!s.matches("\\d{1,3}(\\.\\d{1,6})?")) {
            throw ApiError.validation(field, "'" + field + "' must be a decimal string such as \"0.05\"");
        }
        return new BigDecimal(s);
    }

    private static String text(JsonNode node, String name, String field) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > 100) {
            throw ApiError.validation(field, "'" + field + "' must be a non-blank string of at most 100 characters");
        }
        return v.asText();
    }

    private Instant time(RequestBody body, String field) {
        return body.requiredTime(field, clock.instant());
    }

    private Market find(String marketId) {
        return markets.market(marketId).orElseThrow(() -> notFound(marketId));
    }

    private static ApiError notFound(String marketId) {
        return new ApiError(ErrorCode.MARKET_NOT_FOUND, "no market " + marketId);
    }

    private HttpResponse setState(HttpRequest request) {
        RequestBody body = request.jsonBody().allowOnly(Set.of("state", "reason"));
        MarketState to = body.requiredEnum("state", MarketState.class);
        if (!MarketState.ADMIN_TARGETS.contains(to)) {
            throw ApiError.validation("state", "'state' must be one of " + MarketState.ADMIN_TARGETS);
        }
        String reason = body.optionalString("reason", 500).orElse(null);
        String sub = request.requireCaller().sub();
        String marketId = request.pathParameter("marketId");
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Market before = find(marketId);
            Instant now = clock.instant();
            Market.Change change;
            try {
                change = before.transition(to, sub, reason, now);
            } catch (Market.IllegalTransition e) {
                ObjectNode d = Json.object();
                d.put("from", e.from.name());
                d.put("to", e.to.name());
                throw new ApiError(ErrorCode.ILLEGAL_TRANSITION, e.getMessage(), d);
            }
            MarketStore.SaveOutcome saved = markets.save(before, change, Optional.empty(), Optional.of(new AuditRecord(
                    AuditLog.newId(), sub, "MARKET_STATE_SET", "market/" + marketId, Json.write(MarketJson.market(before)),
                    Json.write(MarketJson.market(change.after())), now)));
            if (saved instanceof MarketStore.Saved) {
                return HttpResponse.of(200, MarketJson.market(change.after()));
            }
            // Raced: the feed or another admin changed it: decide again on the new state
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the market is changing too fast; nothing was changed, retry");
    }

    // ---- settlement ----

    /**
     * Declares a market's result: {@code CLOSED → SETTLING} with the result stored, the key's
     * outcome and the audit record, in one transaction; then the settlement command is sent. A
     * replay of the key sends the command again when the market is still settling, which heals a
     * send lost after the commit (the worker is idempotent, so an extra command costs nothing).
     */
    private HttpResponse declareResult(HttpRequest request) {
        String admin = request.requireCaller().sub();
        String key = request.idempotencyKey();
        String marketId = request.pathParameter("marketId");
        RequestBody body = request.jsonBody().allowOnly(Set.of("winningSelectionId", "void"));
        MarketResult result = result(body);
        String fingerprint = LedgerIds.fingerprint("result", marketId, Json.write(SettlementStore.resultJson(result)));

        Optional<KeyedCommit.StoredResponse> stored = settlements.storedResponse(admin, key);
        if (stored.isPresent()) {
            return replay(stored.get(), fingerprint, marketId);
        }
        MoneyMovement.requireAllowed(status);
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Market before = find(marketId);
            if (result.winningSelectionId().isPresent()
                    && before.selections().stream().noneMatch(x -> x.selectionId().equals(result.winningSelectionId().get()))) {
                ObjectNode d = Json.object();
                d.put("field", "winningSelectionId");
                throw new ApiError(ErrorCode.SELECTION_NOT_FOUND, "market " + marketId + " has no selection "
                        + result.winningSelectionId().get(), d);
            }
            if (before.state() != MarketState.CLOSED) {
                Optional<KeyedCommit.StoredResponse> raced = settlements.storedResponse(admin, key);
                if (raced.isPresent()) { // a duplicate of this request won the race: same answer
                    return replay(raced.get(), fingerprint, marketId);
                }
                ObjectNode d = Json.object();
                d.put("state", before.state().name());
                settlements.result(marketId).ifPresent(r -> d.set("result", SettlementStore.resultJson(r.result())));
                throw new ApiError(ErrorCode.MARKET_NOT_CLOSED, "a result can be declared only for a CLOSED market; "
                        + "this one is " + before.state(), d);
            }
            Instant now = clock.instant();
            Market.Change change = before.transition(MarketState.SETTLING, admin, "RESULT_DECLARED", now);
            ObjectNode response = Json.object();
            response.put("marketId", marketId);
            response.put("state", MarketState.SETTLING.name());
            response.set("result", SettlementStore.resultJson(result));
            response.put("declaredAt", Rfc3339.format(now));
            AuditRecord record = new AuditRecord(AuditLog.newId(), admin, "MARKET_RESULT_DECLARED", "market/" + marketId,
                    Json.write(MarketJson.market(before)), Json.write(response), now);
            KeyedCommit.Outcome<KeyedCommit.StoredResponse> outcome = settlements.declare(before, change, result, admin,
                    key, fingerprint, 202, response, record);
            if (outcome instanceof KeyedCommit.Committed) {
                sendCommand(marketId);
                return HttpResponse.of(202, response);
            } else if (outcome instanceof KeyedCommit.KeyTaken<KeyedCommit.StoredResponse> taken) {
                return replay(taken.first(), fingerprint, marketId);
            } else if (outcome instanceof KeyedCommit.Halted) {
                MoneyMovement.requireAllowed(status); // 503 unless trading resumed in between; then decide again
            } else {
                turns.backOff(); // Raced: the market changed: decide again on what it is now
            }
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the market is changing too fast; nothing was committed, "
                + "retrying with the same Idempotency-Key is safe");
    }


    private static MarketResult result(RequestBody body) {
        Optional<String> winner = body.optionalString("winningSelectionId", 100);
        JsonNode v = body.node().get("void");
        if (v != null && !v.isNull() && !v.isBoolean()) {
            throw ApiError.validation("void", "'void' must be true or absent");
        }
        boolean voided = v != null && v.asBoolean(false);
        if (voided == winner.isPresent()) {
            throw ApiError.validation(winner.isPresent() ? "void" : "winningSelectionId",
                    "give either 'winningSelectionId' or \"void\": true");
        }
        return voided ? MarketResult.voidResult() : MarketResult.winner(winner.get());
    }

    private HttpResponse replay(KeyedCommit.StoredResponse stored, String fingerprint, String marketId) {
        IdempotentReplay.requireSameRequest(stored.fingerprint(), fingerprint,
                "this Idempotency-Key was used for a different result; use a new key");
        if (markets.market(marketId).map(m -> m.state() == MarketState.SETTLING).orElse(false)) {
            sendCommand(marketId);
        }
        return IdempotentReplay.replayed(stored);
    }

    private void sendCommand(String marketId) {
        Settler.send(sqs, deployment.names().queueUrl(Queues.SETTLEMENT), marketId, "start:" + clock.instant());
    }

    private HttpResponse settlementProgress(HttpRequest request) {
        String marketId = request.pathParameter("marketId");
        Market m = find(marketId);
        ObjectNode out = Json.object();
        out.put("marketId", marketId);
        out.put("state", m.state().name());
        Optional<SettlementStore.Declared> declared = settlements.result(marketId);
        if (declared.isEmpty()) {
            out.putNull("result");
        } else {
            out.set("result", SettlementStore.resultJson(declared.get().result()));
            out.put("declaredBy", declared.get().declaredBy());
            out.put("declaredAt", Rfc3339.format(declared.get().at()));
        }
        Optional<SettlementStore.Progress> p = settlements.progress(marketId);
        out.put("ordersSettled", p.map(SettlementStore.Progress::settled).orElse(0L));
        out.put("pass", p.map(x -> x.pass() > 2 ? "DONE" : x.pass() == 2 ? "VERIFYING" : "SETTLING")
                .orElse(declared.isPresent() ? "QUEUED" : "NOT_STARTED"));
        p.ifPresent(x -> out.put("updatedAt", Rfc3339.format(x.updatedAt())));
        return HttpResponse.of(200, out);
    }

    private HttpResponse transitions(HttpRequest request) {
        String marketId = request.pathParameter("marketId");
        find(marketId);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("transitions");
        markets.transitions(marketId).forEach(t -> list.add(MarketJson.transition(t)));
        return HttpResponse.of(200, out);
    }

    private HttpResponse list(HttpRequest request) {
        MarketState state;
        String raw = request.queryParam("state").orElse("OPEN");
        try {
            state = MarketState.valueOf(raw);
        } catch (IllegalArgumentException e) {
            throw ApiError.validation("state", "'state' must be one of " + java.util.Arrays.toString(MarketState.values()));
        }
        MarketStore.MarketPage page = markets.byState(state, request.limit(50, 200), request.queryParam("cursor"));
        String query = state + "|" + request.limit(50, 200) + "|" + request.queryParam("cursor").orElse("");
        return DisplayCaching.answer(request, DisplayCaching.etag(page.markets(), page.nextCursor(), query),
                HttpResponse.page("markets", page.markets(), MarketJson::market, page.nextCursor()));
    }

    private HttpResponse snapshot(HttpRequest request) {
        String marketId = request.pathParameter("marketId");
        String raw = request.pathParameter("priceVersion");
        long version;
        try {
            version = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            version = -1;
        }
        if (version < 1 || !raw.matches("\\d{1,18}")) {
            throw ApiError.validation("priceVersion", "'priceVersion' must be a positive whole number");
        }
        long v = version;
        return markets.snapshot(marketId, v).map(s -> HttpResponse.of(200, MarketJson.snapshot(s)))
                .orElseThrow(() -> markets.market(marketId).isEmpty() ? notFound(marketId)
                        : new ApiError(ErrorCode.PRICE_NOT_FOUND, "market " + marketId + " has no price version " + v));
    }

    private HttpResponse quarantine(HttpRequest request) {
        MarketStore.QuarantinePage page = markets.quarantined(request.limit(50, 200), request.queryParam("cursor"));
        return HttpResponse.page("entries", page.entries(), e -> e, page.nextCursor());
    }

}
