package dev.holdfast.local.markets;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.resources.Queues;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Markets and the odds feed through the local environment's real SQS and DynamoDB: creation and
 * validation, the state machine, snapshots, and replays of out-of-order, duplicate, unmapped and
 * poison feed messages.
 */
class MarketsAndFeedTest {
    private static LocalHoldfast env;
    private static Markets markets;
    private static Api api;

    @BeforeAll
    static void start() {
        env = SharedEnvironment.get();
        markets = new Markets(env);
        api = markets.api();
    }

    private static void assertError(Reply r, int status, String code) {
        assertEquals(status, r.status(), r.raw());
        assertEquals(code, r.code(), r.raw());
    }

    private static String field(Reply r) {
        assertError(r, 400, "VALIDATION_ERROR");
        return r.json().path("error").path("details").path("field").asText();
    }

    @Test
    void createsEventsAndPendingMarketsWithSelectionIds() {
        String pm = Markets.newProviderMarketId();
        JsonNode m = markets.market(pm);
        assertEquals("PENDING", m.path("state").asText());
        assertTrue(m.path("price").isNull());
        assertEquals(3, m.path("selections").size());
        assertTrue(m.path("marketId").asText().startsWith("m-"));
        assertTrue(Markets.selectionIds(m).stream().allMatch(s -> s.startsWith("s-")));
        JsonNode read = markets.get(m.path("marketId").asText());
        assertEquals(m.path("selections"), read.path("selections"));
        assertEquals("PENDING", read.path("state").asText());
    }

    @Test
    void refusesBadEventsAndMarkets() {
        String admin = markets.admin();
        assertEquals("name", field(api.post("/admin/events", admin, "{\"startsAt\":\"2026-12-01T18:00:00Z\",\"segment\":\"s\"}")));
        assertEquals("startsAt", field(api.post("/admin/events", admin, "{\"name\":\"x\",\"startsAt\":\"tomorrow\",\"segment\":\"s\"}")));
        assertEquals("segment", field(api.post("/admin/events", admin, "{\"name\":\"x\",\"startsAt\":\"2026-12-01T18:00:00Z\",\"segment\":\"a b\"}")));
        String event = markets.event();
        String feed = ",\"feed\":{\"provider\":\"acme\",\"providerMarketId\":\"" + Markets.newProviderMarketId() + "\",\"selections\":{\"1\":0,\"2\":1}}";
        assertEquals("eventId", field(api.post("/admin/markets", admin, "{\"name\":\"m\",\"selections\":[{\"name\":\"A\"},{\"name\":\"B\"}]" + feed + "}")));
        assertEquals("selections", field(api.post("/admin/markets", admin, "{\"eventId\":\"" + event + "\",\"name\":\"m\",\"selections\":[{\"name\":\"A\"}]" + feed + "}")));
        assertEquals("selections[1].name", field(api.post("/admin/markets", admin, "{\"eventId\":\"" + event + "\",\"name\":\"m\",\"selections\":[{\"name\":\"A\"},{\"name\":\"A\"}]" + feed + "}")));
        assertEquals("feed.selections", field(api.post("/admin/markets", admin, "{\"eventId\":\"" + event + "\",\"name\":\"m\",\"selections\":[{\"name\":\"A\"},{\"name\":\"B\"}],"
                + "\"feed\":{\"provider\":\"acme\",\"providerMarketId\":\"x\",\"selections\":{\"1\":0,\"2\":0}}}")));
        assertEquals("feed", field(api.post("/admin/markets", admin, "{\"eventId\":\"" + event + "\",\"name\":\"m\",\"selections\":[{\"name\":\"A\"},{\"name\":\"B\"}]}")));
        assertEquals("margin", field(api.post("/admin/markets", admin, "{\"eventId\":\"" + event + "\",\"name\":\"m\",\"selections\":[{\"name\":\"A\"},{\"name\":\"B\"}]" + feed
                + ",\"margin\":{\"overround\":\"0.9\",\"maxExposureShortening\":\"0.1\"}}")));
        assertError(api.post("/admin/markets", admin, "{\"eventId\":\"e-nope\",\"name\":\"m\",\"selections\":[{\"name\":\"A\"},{\"name\":\"B\"}]" + feed + "}"),
                404, "EVENT_NOT_FOUND");
        String user = api.token("punter-1");
        assertError(api.post("/admin/events", user, "{}"), 403, "FORBIDDEN");
        assertError(api.get("/markets/m-nope", user), 404, "MARKET_NOT_FOUND");
        assertError(api.get("/markets", null), 401, "UNAUTHENTICATED");
        assertEquals("state", field(api.get("/markets?state=WHATEVER", user)));
    }

    @Test
    void oneProviderMarketMapsToOneMarket() {
        String pm = Markets.newProviderMarketId();
        markets.market(pm);
        Reply again = api.post("/admin/markets", markets.admin(), "{\"eventId\":\"" + markets.event() + "\",\"name\":\"dup\","
                + "\"selections\":[{\"name\":\"A\"},{\"name\":\"B\"}],\"feed\":{\"provider\":\"acme\",\"providerMarketId\":\"" + pm
                + "\",\"selections\":{\"1\":0,\"2\":1}}}");
        assertError(again, 409, "FEED_MAPPING_TAKEN");
    }

    @Test
    void aMarketOpensOnlyWithAPriceAndFollowsTheStateMachine() {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        String path = "/admin/markets/" + id + "/state";
        Reply early = api.post(path, markets.admin(), "{\"state\":\"OPEN\"}");
        assertError(early, 409, "ILLEGAL_TRANSITION");
        assertError(api.post(path, markets.admin(), "{\"state\":\"CLOSED\"}"), 409, "ILLEGAL_TRANSITION");
        assertEquals("state", field(api.post(path, markets.admin(), "{\"state\":\"SETTLED\"}")));
        assertError(api.post("/admin/markets/m-nope/state", markets.admin(), "{\"state\":\"OPEN\"}"), 404, "MARKET_NOT_FOUND");

        markets.send(pm, 1, "0.5", "0.3", "0.2");
        markets.await(id, m -> !m.path("price").isNull());
        Reply open = api.post(path, markets.admin(), "{\"state\":\"OPEN\",\"reason\":\"kick-off minus 1h\"}");
        assertEquals(200, open.status(), open.raw());
        assertEquals("OPEN", open.json().path("state").asText());
        assertEquals(200, api.post(path, markets.admin(), "{\"state\":\"SUSPENDED\",\"reason\":\"VAR\"}").status());
        assertEquals(200, api.post(path, markets.admin(), "{\"state\":\"OPEN\"}").status());
        assertEquals(200, api.post(path, markets.admin(), "{\"state\":\"CLOSED\"}").status());
        Reply reopen = api.post(path, markets.admin(), "{\"state\":\"OPEN\"}");
        assertError(reopen, 409, "ILLEGAL_TRANSITION");
        assertEquals("CLOSED", reopen.json().path("error").path("details").path("from").asText());

        JsonNode transitions = api.get("/admin/markets/" + id + "/transitions", markets.admin()).json().path("transitions");
        List<String> path2 = new ArrayList<>();
        transitions.forEach(t -> path2.add(t.path("to").asText()));
        assertEquals(List.of("PENDING", "OPEN", "SUSPENDED", "OPEN", "CLOSED"), path2);
        assertEquals("markets-admin", transitions.get(1).path("cause").asText());
        assertEquals("kick-off minus 1h", transitions.get(1).path("reason").asText());
        assertEquals("VAR", transitions.get(2).path("reason").asText());

        JsonNode audit = api.get("/admin/audit?limit=20", markets.admin()).json().path("records");
        boolean audited = false;
        for (JsonNode a : audit) {
            audited |= a.path("action").asText().equals("MARKET_STATE_SET") && a.path("target").asText().equals("market/" + id);
        }
        assertTrue(audited, "state changes are audited");
    }

    @Test
    void feedPublishesSnapshotsRefreshesAgeAndIgnoresOldOrDuplicateSequences() {
        String pm = Markets.newProviderMarketId();
        JsonNode created = markets.market(pm);
        String id = created.path("marketId").asText();
        List<String> sel = Markets.selectionIds(created);

        markets.send(pm, 1, "0.5", "0.3", "0.2");
        JsonNode v1 = markets.await(id, m -> m.path("price").path("priceVersion").asLong() == 1);
        assertEquals(Set.copyOf(sel), Set.copyOf(iterator(v1.path("price").path("odds").fieldNames())));
        String receivedAt1 = v1.path("price").path("receivedAt").asText();

        Markets.sleep(20);
        markets.send(pm, 2, "0.5", "0.3", "0.2"); // the same odds: the age moves, the version does not
        JsonNode refreshed = markets.await(id, m -> !m.path("price").path("receivedAt").asText().equals(receivedAt1));
        assertEquals(1, refreshed.path("price").path("priceVersion").asLong());
        assertEquals(v1.path("price").path("odds"), refreshed.path("price").path("odds"));

        markets.send(pm, 4, "0.2", "0.3", "0.5");
        JsonNode v2 = markets.await(id, m -> m.path("price").path("priceVersion").asLong() == 2);
        assertNotEquals(v1.path("price").path("odds"), v2.path("price").path("odds"));

        markets.send(pm, 3, "0.1", "0.1", "0.8"); // older than 4: ignored
        markets.send(pm, 4, "0.1", "0.1", "0.8"); // a duplicate sequence: ignored
        markets.send(pm, 5, "0.2", "0.3", "0.5"); // marker: same odds as v2
        JsonNode after = markets.await(id, m -> !m.path("price").path("receivedAt").asText().equals(v2.path("price").path("receivedAt").asText()));
        assertEquals(2, after.path("price").path("priceVersion").asLong(), "no version from an old or repeated sequence");
        assertEquals(v2.path("price").path("odds"), after.path("price").path("odds"));

        Reply snap1 = api.get("/markets/" + id + "/prices/1", markets.admin());
        assertEquals(200, snap1.status(), snap1.raw());
        assertEquals(v1.path("price").path("odds"), snap1.json().path("odds"), "snapshots never change");
        assertEquals(1, snap1.json().path("feedSequence").asLong());
        assertEquals("0.5", snap1.json().path("probabilities").path(sel.get(0)).asText());
        assertEquals(4, api.get("/markets/" + id + "/prices/2", markets.admin()).json().path("feedSequence").asLong());
        assertError(api.get("/markets/" + id + "/prices/3", markets.admin()), 404, "PRICE_NOT_FOUND");
        assertEquals("priceVersion", field(api.get("/markets/" + id + "/prices/zero", markets.admin())));
        assertEquals("priceVersion", field(api.get("/markets/" + id + "/prices/0", markets.admin())));
    }

    @Test
    void unmappedMessagesAreQuarantinedAndAttachToNothing() {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        String unknownMarket = Markets.newProviderMarketId();
        markets.send(unknownMarket, 1, "0.5", "0.5");
        markets.send(pm, 1, Markets.feedBody(pm, 1, "0.5", "0.3", "0.2").replace("\"providerSelectionId\":\"3\"", "\"providerSelectionId\":\"9\""));
        markets.send(pm, 2, "0.5", "0.5"); // a selection missing
        markets.send(pm, 3, "0.5", "0", "0.5"); // an impossible probability

        Set<String> reasons = awaitQuarantine(Set.of(unknownMarket, pm), 4);
        assertEquals(Set.of("UNKNOWN_PROVIDER_MARKET", "UNKNOWN_SELECTION", "MISSING_SELECTION", "INVALID_PROBABILITY"), reasons);
        JsonNode m = markets.get(id);
        assertTrue(m.path("price").isNull(), "nothing attached: " + m);
        assertEquals("PENDING", m.path("state").asText());
    }

    private static Set<String> awaitQuarantine(Set<String> providerMarketIds, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<JsonNode> mine = new ArrayList<>();
            for (JsonNode e : api.get("/admin/feed/quarantine?limit=200", markets.admin()).json().path("entries")) {
                if (providerMarketIds.stream().anyMatch(p -> e.path("message").asText().contains(p))) {
                    mine.add(e);
                }
            }
            if (mine.size() >= expected || System.nanoTime() > deadline) {
                return mine.stream().map(e -> e.path("reason").asText()).collect(Collectors.toSet());
            }
            Markets.sleep(100);
        }
    }

    private static List<String> iterator(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
