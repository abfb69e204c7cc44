package dev.holdfast.local.markets;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.LocalWebSocketGateway;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.live.LiveStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.domain.market.Transition;
import dev.holdfast.functions.feed.FeedWatchdog;
import dev.holdfast.local.testing.LiveClient;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.MutableClock;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live prices over a real WebSocket client against the local environment: the snapshot first, then
 * every change kind from the real feed queue, watchdog, admin and settlement paths, each with the
 * next per-market sequence; resume from held changes or a snapshot marked not resumed; heartbeats
 * and the idle timeout; refusal without a valid token; the subscription bound. The environment has
 * no scheduled watchdog: the test runs it on a clock it moves.
 */
class LivePricesTest {
    private static LocalHoldfast env;
    private static Markets markets;
    private static String url;
    private static String user;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0),
                new Triggers.TriggerSet(Triggers.QUEUES, Triggers.STREAMS, List.of()));
        markets = new Markets(env);
        url = env.endpoints().path("websocketUrl").asText();
        user = markets.api().token("live-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    /** An OPEN market priced once through the feed queue; returns {marketId, providerMarketId}. */
    private static String[] openMarket() {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        markets.send(pm, 1, "0.5", "0.3", "0.2");
        markets.await(id, m -> m.path("price").path("priceVersion").asLong() == 1);
        assertEquals(200, markets.api().post("/admin/markets/" + id + "/state", markets.admin(), "{\"state\":\"OPEN\"}").status());
        return new String[]{id, pm};
    }

    /**
     * The next message, which must be {@code type} with {@code sequence}. Messages with a lower
     * sequence are dropped, as the protocol asks of clients: a change published while the
     * subscription was being made can arrive after the snapshot that already includes it.
     */
    private static JsonNode expect(LiveClient c, String type, long sequence) {
        JsonNode n = c.next();
        while (n.has("sequence") && n.path("sequence").asLong() < sequence) {
            n = c.next();
        }
        assertEquals(type, n.path("type").asText(), n.toString());
        assertEquals(sequence, n.path("sequence").asLong(), "sequence of " + n);
        return n;
    }

    /** The next error message (late changes of the subscribed market are skipped). */
    private static JsonNode error(LiveClient c) {
        return c.next(n -> n.path("type").asText().equals("error"));
    }

    /** Waits until the publisher has published {@code sequence} for the market (so a subscriber's snapshot includes it). */
    private static void awaitPublished(String marketId, long sequence) {
        LiveStore store = new LiveStore(env.deployment());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (store.sequence(marketId) < sequence) {
            assertTrue(System.nanoTime() < deadline, "never published " + sequence);
            Markets.sleep(50);
        }
    }

    @Test
    void aSubscriberGetsTheSnapshotFirstThenEveryChangeInSequence() {
        String[] m = openMarket();
        String id = m[0];
        String pm = m[1];
        awaitPublished(id, 2); // first price, then OPEN
        try (LiveClient c = LiveClient.connect(url, user)) {
            c.subscribe(id);
            JsonNode snap = c.snapshot(id);
            assertEquals(id, snap.path("marketId").asText());
            assertEquals("OPEN", snap.path("state").asText());
            assertEquals(1, snap.path("price").path("priceVersion").asLong());
            assertTrue(snap.path("resumed").isMissingNode(), "a plain snapshot carries no resumed flag");
            long s = snap.path("sequence").asLong();
            assertEquals(2, s);

            // a new priceVersion through the real feed queue
            markets.send(pm, 2, "0.4", "0.4", "0.2");
            JsonNode v2 = expect(c, "price", ++s);
            assertEquals(2, v2.path("price").path("priceVersion").asLong());
            assertEquals(3, v2.path("price").path("odds").size());
            assertFalse(v2.path("price").path("publishedAt").asText().isEmpty());

            // the same odds again: a refreshed age, same version
            Markets.sleep(5);
            markets.send(pm, 3, "0.4", "0.4", "0.2");
            JsonNode refreshed = expect(c, "price", ++s);
            assertEquals(2, refreshed.path("price").path("priceVersion").asLong());
            assertTrue(refreshed.path("price").path("receivedAt").asText()
                    .compareTo(v2.path("price").path("receivedAt").asText()) >= 0);

            // the watchdog suspends a stale feed
            MutableClock later = new MutableClock(Instant.now().plusSeconds(30));
            Deployment d = env.deployment();
            new FeedWatchdog(new Deployment(d.clients(), d.names(), later)).checkOnce();
            JsonNode stale = expect(c, "state", ++s);
            assertEquals("SUSPENDED", stale.path("state").asText());
            assertEquals(Transition.FEED_STALE, stale.path("stateReason").asText());

            // a fresh new price reopens it: the transition, then the price
            markets.send(pm, 4, "0.3", "0.5", "0.2");
            JsonNode reopened = expect(c, "state", ++s);
            assertEquals("OPEN", reopened.path("state").asText());
            assertTrue(reopened.path("stateReason").isNull());
            assertEquals(3, expect(c, "price", ++s).path("price").path("priceVersion").asLong());

            // closed, then settled
            assertEquals(200, markets.api().post("/admin/markets/" + id + "/state", markets.admin(), "{\"state\":\"CLOSED\"}").status());
            assertEquals("CLOSED", expect(c, "state", ++s).path("state").asText());
            String winner = Markets.selectionIds(markets.get(id)).get(0);
            assertEquals(202, markets.api().send("POST", "/admin/markets/" + id + "/result", markets.admin(),
                    "{\"winningSelectionId\":\"" + winner + "\"}", "Idempotency-Key", "live-" + UUID.randomUUID()).status());
            assertEquals("SETTLING", expect(c, "state", ++s).path("state").asText());
            assertEquals("SETTLED", expect(c, "state", ++s).path("state").asText());
            assertEquals(List.of(), c.drain(Duration.ofMillis(500)), "nothing else, nothing twice");
        }
    }

    @Test
    void unsubscribedMarketsSendNothingMore() {
        String[] m = openMarket();
        awaitPublished(m[0], 2);
        try (LiveClient c = LiveClient.connect(url, user)) {
            c.subscribe(m[0]);
            c.snapshot(m[0]);
            c.send("{\"action\":\"unsubscribe\",\"marketIds\":[\"" + m[0] + "\"]}");
            c.send("{\"action\":\"ping\"}");
            c.next(n -> n.path("type").asText().equals("heartbeat")); // the unsubscribe was handled before it
            markets.send(m[1], 2, "0.2", "0.4", "0.4");
            awaitPublished(m[0], 3);
            assertEquals(List.of(), c.drain(Duration.ofMillis(500)).stream()
                    .filter(n -> n.path("sequence").asLong() >= 3).toList(), "nothing after the unsubscribe");
        }
    }

    @Test
    void aClientSeesAGapAndResumesFromHeldChangesOrGetsASnapshotSayingSo() {
        String[] m = openMarket();
        String id = m[0];
        awaitPublished(id, 2);
        long seen;
        try (LiveClient c = LiveClient.connect(url, user)) {
            c.subscribe(id);
            seen = c.snapshot(id).path("sequence").asLong();
        }
        // three changes while disconnected
        markets.send(m[1], 2, "0.45", "0.35", "0.2");
        markets.send(m[1], 3, "0.4", "0.4", "0.2");
        markets.send(m[1], 4, "0.35", "0.45", "0.2");
        awaitPublished(id, seen + 3);

        try (LiveClient c = LiveClient.connect(url, user)) {
            c.send("{\"action\":\"resume\",\"marketId\":\"" + id + "\",\"sequence\":" + seen + "}");
            for (int i = 1; i <= 3; i++) {
                JsonNode p = expect(c, "price", seen + i);
                assertEquals(1 + i, p.path("price").path("priceVersion").asLong());
            }
            // resumed connections are subscribed: the next change arrives too
            markets.send(m[1], 5, "0.3", "0.5", "0.2");
            expect(c, "price", seen + 4);
        }

        // a hole in the held changes (expired): a fresh snapshot marked not resumed
        env.deployment().clients().dynamo().deleteItem(b -> b.tableName(env.deployment().names().table(Tables.CONNECTIONS))
                .key(Map.of("pk", AttributeValue.fromS("CHANNEL#" + id),
                        "sk", AttributeValue.fromS(String.format("SEQ#%019d", seen + 2)))));
        try (LiveClient c = LiveClient.connect(url, user)) {
            c.send("{\"action\":\"resume\",\"marketId\":\"" + id + "\",\"sequence\":" + seen + "}");
            JsonNode snap = c.next();
            assertEquals("snapshot", snap.path("type").asText(), snap.toString());
            assertFalse(snap.path("resumed").asBoolean(true));
            assertEquals(seen + 4, snap.path("sequence").asLong());
            assertEquals(5, snap.path("price").path("priceVersion").asLong());
            // a sequence the market never had: the same
            c.send("{\"action\":\"resume\",\"marketId\":\"" + id + "\",\"sequence\":" + (seen + 100) + "}");
            JsonNode again = c.next();
            assertEquals("snapshot", again.path("type").asText());
            assertFalse(again.path("resumed").asBoolean(true));
        }
    }

    @Test
    void aSilentConnectionIsClosedAndRemovedWhileAPingingOneStays() throws Exception {
        String[] m = openMarket();
        awaitPublished(m[0], 2);
        env.websocket().idleTimeout(Duration.ofMillis(1500));
        try (LiveClient silent = LiveClient.connect(url, user); LiveClient pinging = LiveClient.connect(url, user)) {
            silent.subscribe(m[0]);
            silent.snapshot(m[0]);
            pinging.subscribe(m[0]);
            pinging.snapshot(m[0]);
            assertEquals(2, new LiveStore(env.deployment()).subscribers(m[0]).connectionIds().size());
            long until = System.nanoTime() + Duration.ofMillis(3500).toNanos();
            int heartbeats = 0;
            while (System.nanoTime() < until) {
                pinging.send("{\"action\":\"ping\"}");
                JsonNode h = pinging.next(n -> n.path("type").asText().equals("heartbeat"));
                assertEquals("heartbeat", h.path("type").asText());
                assertFalse(h.path("at").asText().isEmpty());
                heartbeats++;
                Markets.sleep(300);
            }
            assertTrue(heartbeats >= 5);
            assertEquals(1001, silent.closed().get(5, TimeUnit.SECONDS), "closed as idle (going away)");
            assertFalse(pinging.closed().isDone(), "a client that pings stays connected");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (new LiveStore(env.deployment()).subscribers(m[0]).connectionIds().size() != 1) {
                assertTrue(System.nanoTime() < deadline, "the closed connection's subscription was never removed");
                Markets.sleep(50);
            }
        } finally {
            env.websocket().idleTimeout(LocalWebSocketGateway.DEFAULT_IDLE);
        }
    }

    @Test
    void aConnectionWithoutAValidTokenIsRefusedAtConnect() {
        CompletionException none = assertThrows(CompletionException.class, () -> LiveClient.connect(url, null));
        assertInstanceOf(WebSocketHandshakeException.class, none.getCause());
        CompletionException bad = assertThrows(CompletionException.class, () -> LiveClient.connect(url, user + "x"));
        assertInstanceOf(WebSocketHandshakeException.class, bad.getCause());
        try (LiveClient ok = LiveClient.connectWithQueryToken(url, user)) {
            ok.send("{\"action\":\"ping\"}");
            assertEquals("heartbeat", ok.next().path("type").asText());
        }
    }

    @Test
    void subscriptionsAreBoundedPerConnectionAndBadMessagesAreErrors() {
        String[] m = openMarket();
        awaitPublished(m[0], 2);
        try (LiveClient c = LiveClient.connect(url, user)) {
            c.subscribe(m[0]);
            c.snapshot(m[0]);
            List<String> more = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                more.add("m-none-" + i);
            }
            c.subscribe(more.toArray(String[]::new));
            JsonNode over = error(c);
            assertEquals("error", over.path("type").asText(), over.toString());
            assertEquals("SUBSCRIPTION_LIMIT", over.path("error").path("code").asText());
            assertEquals(50, over.path("error").path("details").path("limit").asInt());
            assertEquals(1, new LiveStore(env.deployment()).subscribers(m[0]).connectionIds().size());

            c.subscribe("m-does-not-exist");
            JsonNode missing = error(c);
            assertEquals("MARKET_NOT_FOUND", missing.path("error").path("code").asText(), missing.toString());

            c.send("{\"action\":\"dance\"}");
            JsonNode unknown = error(c);
            assertEquals("VALIDATION_ERROR", unknown.path("error").path("code").asText());
            assertEquals("action", unknown.path("error").path("details").path("field").asText());
            c.send("not json");
            assertEquals("VALIDATION_ERROR", error(c).path("error").path("code").asText());
            c.send("{\"action\":\"resume\",\"marketId\":\"" + m[0] + "\"}");
            JsonNode noSeq = error(c);
            assertEquals("sequence", noSeq.path("error").path("details").path("field").asText(), noSeq.toString());
        }
    }

    private static String etagOf(dev.holdfast.local.testing.Api.Reply r) {
        String tag = r.header("ETag");
        assertTrue(tag != null && tag.startsWith("\"") && tag.endsWith("\""), "a strong ETag: " + r.headers());
        return tag;
    }

    private static dev.holdfast.local.testing.Api.Reply conditional(String path, String etag) {
        return markets.api().send("GET", path, user, null, "If-None-Match", etag);
    }

    /** Display reads carry a short public Cache-Control and a strong ETag; If-None-Match gives 304 until the price or state moves. */
    @Test
    void displayReadsAreCacheableForASecondWithAStrongEtag() {
        String[] m = openMarket();
        String path = "/markets/" + m[0];
        var first = markets.api().get(path, user);
        assertEquals(200, first.status());
        String tag = etagOf(first);
        String cc = first.header("Cache-Control");
        assertTrue(cc.contains("public") && cc.matches(".*max-age=[01]\\b.*"), cc);
        var same = conditional(path, tag);
        assertEquals(304, same.status());
        assertEquals("", same.raw());
        assertEquals(tag, same.header("ETag"));
        assertEquals(304, conditional(path, "\"other\", W/" + tag).status(), "a list, and weak comparison");

        markets.send(m[1], 2, "0.4", "0.4", "0.2");
        markets.await(m[0], n -> n.path("price").path("priceVersion").asLong() == 2);
        var moved = conditional(path, tag);
        assertEquals(200, moved.status(), "a new priceVersion");
        String v2 = etagOf(moved);
        String received = moved.json().path("price").path("receivedAt").asText();
        Markets.sleep(5);
        markets.send(m[1], 3, "0.4", "0.4", "0.2");
        markets.await(m[0], n -> !n.path("price").path("receivedAt").asText().equals(received));
        var refreshed = conditional(path, v2);
        assertEquals(200, refreshed.status(), "a refreshed age is a new representation");
        String v2b = etagOf(refreshed);
        assertEquals(304, conditional(path, v2b).status());
        assertEquals(200, markets.api().post("/admin/markets/" + m[0] + "/state", markets.admin(),
                "{\"state\":\"SUSPENDED\",\"reason\":\"var\"}").status());
        assertEquals(200, conditional(path, v2b).status(), "a state change too");

        var list = markets.api().get("/markets?state=OPEN", user);
        assertEquals(200, list.status());
        String listTag = etagOf(list);
        assertTrue(list.header("Cache-Control").contains("max-age=1"));
        assertEquals(304, conditional("/markets?state=OPEN", listTag).status());
        String[] other = openMarket();
        assertEquals(200, conditional("/markets?state=OPEN", listTag).status(), "a market opened: the list changed");
        assertTrue(other.length == 2);
    }
}
