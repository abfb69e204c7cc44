package dev.holdfast.local.markets;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 #3–#5, the feed's hostile inputs over the real FIFO queue: a message that can never be
 * applied is quarantined at once with its reason and raw body (the next update of its group is not
 * held up); an absurd sequence jump is quarantined, an admin can reset a market's sequence, ignored
 * older sequences are counted; a source time too far in the future is quarantined.
 */
class FeedHostileTest {
    static final LocalHoldfast env = SharedEnvironment.get();
    static final Markets markets = new Markets(env);
    static final Api api = markets.api();

    /** Every way a message can be beyond applying (each one of the class, applied to a valid body). */
    static final Map<String, UnaryOperator<String>> POISONS = new LinkedHashMap<>();

    static {
        POISONS.put("probability abc", b -> b.replaceFirst("\"probability\":\"[^\"]+\"", "\"probability\":\"abc\""));
        POISONS.put("probability NaN", b -> b.replaceFirst("\"probability\":\"[^\"]+\"", "\"probability\":\"NaN\""));
        POISONS.put("probability -0.5", b -> b.replaceFirst("\"probability\":\"[^\"]+\"", "\"probability\":\"-0.5\""));
        POISONS.put("probability as a JSON number", b -> b.replaceFirst("\"probability\":\"([^\"]+)\"", "\"probability\":$1"));
        POISONS.put("sequence as a string", b -> b.replaceFirst("\"sequence\":(\\d+)", "\"sequence\":\"$1\""));
        POISONS.put("sequence 0", b -> b.replaceFirst("\"sequence\":(\\d+)", "\"sequence\":0"));
        POISONS.put("sequence a fraction", b -> b.replaceFirst("\"sequence\":(\\d+)", "\"sequence\":1.5"));
        POISONS.put("no selections", b -> b.replaceFirst(",\"selections\":\\[.*]", ""));
        POISONS.put("bad sourceTimestamp", b -> b.replaceFirst("\"sourceTimestamp\":\"[^\"]+\"", "\"sourceTimestamp\":\"yesterday\""));
        POISONS.put("a repeated key", b -> b.replaceFirst("\\{\"provider\":\"acme\",", "{\"provider\":\"acme\",\"provider\":\"acme\","));
        POISONS.put("not JSON", b -> b.substring(0, b.length() - 3));
        POISONS.put("not an object", b -> "[" + b + "]");
    }

    @Test
    void aMessageThatCanNeverBeAppliedIsQuarantinedAtOnceAndItsGroupMovesOn() {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, UnaryOperator<String>> poison : POISONS.entrySet()) {
            String pm = Markets.newProviderMarketId();
            String id = markets.market(pm).path("marketId").asText();
            String bad = poison.getValue().apply(Markets.feedBody(pm, 1, "0.5", "0.3", "0.2"));
            long sent = System.nanoTime();
            markets.send(pm, 1, bad);
            markets.send(pm, 2, "0.6", "0.3", "0.1");
            markets.await(id, m -> m.path("price").path("priceVersion").asLong() == 1);
            long ms = (System.nanoTime() - sent) / 1_000_000;
            // a retried poison holds its group for at least maxReceiveCount (5) × the retry delay (1 s)
            if (ms > 3_000) {
                failures.add(poison.getKey() + ": the next update waited " + ms + " ms");
            }
            Optional<JsonNode> q = quarantined(bad);
            if (q.isEmpty() || !q.get().path("reason").asText().equals("MALFORMED_MESSAGE")
                    || q.get().path("detail").asText().isBlank()) {
                failures.add(poison.getKey() + ": quarantine " + q);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void anAbsurdSequenceIsQuarantinedOlderOnesAreCountedAndAnAdminCanResetTheSequence() {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        String admin = markets.admin();

        // an absurd first sequence wedges nothing either
        String absurdFirst = Markets.feedBody(pm, Long.MAX_VALUE, "0.4", "0.4", "0.2");
        markets.send(pm, Long.MAX_VALUE, absurdFirst);
        markets.send(pm, 100, "0.5", "0.3", "0.2");
        markets.await(id, m -> m.path("price").path("priceVersion").asLong() == 1);
        assertEquals("SEQUENCE_JUMP", quarantined(absurdFirst).orElseThrow().path("reason").asText());

        String absurd = Markets.feedBody(pm, Long.MAX_VALUE - 1, "0.4", "0.4", "0.2");
        markets.send(pm, Long.MAX_VALUE - 1, absurd);
        markets.send(pm, 101, "0.7", "0.2", "0.1");
        markets.await(id, m -> m.path("price").path("priceVersion").asLong() == 2);
        JsonNode q = quarantined(absurd).orElseThrow();
        assertEquals("SEQUENCE_JUMP", q.path("reason").asText());
        assertTrue(q.path("detail").asText().contains("maxSequenceJump"), q.toString());

        // an older sequence is ignored, and counted where an admin sees it
        markets.send(pm, 50, "0.1", "0.1", "0.8");
        JsonNode info = awaitFeed(id, f -> f.path("ignoredOlderSequences").asLong() == 1);
        assertEquals(101, info.path("lastSequence").asLong());
        assertEquals(50, info.path("lastIgnoredSequence").asLong());
        assertTrue(info.path("lastIgnoredAt").isTextual(), info.toString());
        assertEquals(2, markets.get(id).path("price").path("priceVersion").asLong(), "the older one changed nothing");

        // the admin reset (audited): the provider restarted its numbering at 11
        Api.Reply reset = api.post("/admin/markets/" + id + "/feed/sequence", admin, "{\"sequence\":10,\"reason\":\"provider restarted\"}");
        assertEquals(200, reset.status(), reset.raw());
        assertEquals(10, reset.json().path("lastSequence").asLong());
        markets.send(pm, 11, "0.6", "0.3", "0.1");
        markets.await(id, m -> m.path("price").path("priceVersion").asLong() == 3);
        boolean audited = false;
        for (JsonNode r : api.get("/admin/audit?limit=200", admin).json().path("records")) {
            audited |= r.path("action").asText().equals("FEED_SEQUENCE_RESET") && r.path("target").asText().equals("market/" + id);
        }
        assertTrue(audited, "the reset is audited");

        // the reset's own refusals
        assertEquals(400, api.post("/admin/markets/" + id + "/feed/sequence", admin, "{\"sequence\":-1,\"reason\":\"x\"}").status());
        assertEquals(400, api.post("/admin/markets/" + id + "/feed/sequence", admin, "{\"sequence\":1}").status());
        assertEquals("MARKET_NOT_FOUND", api.post("/admin/markets/m-nope/feed/sequence", admin, "{\"sequence\":1,\"reason\":\"x\"}").code());
        assertEquals(403, api.post("/admin/markets/" + id + "/feed/sequence", api.token("feed-user"), "{\"sequence\":1,\"reason\":\"x\"}").status());
        assertEquals("MARKET_NOT_FOUND", api.get("/admin/markets/m-nope/feed", admin).code());
    }

    @Test
    void aSourceTimeOutOfRangeOrTooFarAheadIsQuarantined() {
        java.time.Instant now = java.time.Instant.now();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("+10000-01-01T00:00:00Z", "MALFORMED_MESSAGE");
        cases.put("+999999999-12-31T23:59:59Z", "MALFORMED_MESSAGE");
        cases.put("10000-01-01T00:00:00Z", "MALFORMED_MESSAGE");
        cases.put("1999-12-31T23:59:59.999Z", "MALFORMED_MESSAGE");
        cases.put("0001-01-01T00:00:00Z", "MALFORMED_MESSAGE");
        cases.put("2026-12-07T05:00Z", "MALFORMED_MESSAGE");
        cases.put("2026-12-07 05:00:00Z", "MALFORMED_MESSAGE");
        cases.put(now.plus(Duration.ofDays(366)).toString(), "SOURCE_TIME_IN_FUTURE");
        cases.put(now.plus(Duration.ofMinutes(10)).toString(), "SOURCE_TIME_IN_FUTURE");
        cases.put(dev.holdfast.domain.Rfc3339.format(now.plus(Duration.ofHours(2))).replace("Z", "+00:00"), "SOURCE_TIME_IN_FUTURE");
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String pm = Markets.newProviderMarketId();
            String id = markets.market(pm).path("marketId").asText();
            String bad = Markets.feedBody(pm, 1, "0.5", "0.3", "0.2")
                    .replaceFirst("\"sourceTimestamp\":\"[^\"]+\"", "\"sourceTimestamp\":\"" + c.getKey() + "\"");
            markets.send(pm, 1, bad);
            markets.send(pm, 2, "0.6", "0.3", "0.1");
            JsonNode m = markets.await(id, x -> x.path("price").path("priceVersion").asLong() == 1);
            Optional<JsonNode> q = quarantined(bad);
            if (q.isEmpty() || !q.get().path("reason").asText().equals(c.getValue())) {
                failures.add(c.getKey() + " -> " + q);
            }
            // what is stored and shown is the good message's time, four-digit year and milliseconds
            if (!m.path("price").path("sourceTimestamp").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z")) {
                failures.add(c.getKey() + " shown " + m.path("price"));
            }
        }
        // a little ahead (inside the skew) is a provider's clock, and applies
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        markets.send(pm, 1, Markets.feedBody(pm, 1, "0.5", "0.3", "0.2")
                .replaceFirst("\"sourceTimestamp\":\"[^\"]+\"", "\"sourceTimestamp\":\"" + now.plusSeconds(30) + "\""));
        markets.await(id, x -> x.path("price").path("priceVersion").asLong() == 1);
        assertEquals(List.of(), failures);
    }

    static JsonNode awaitFeed(String marketId, java.util.function.Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode f = api.get("/admin/markets/" + marketId + "/feed", markets.admin()).json();
        while (!condition.test(f) && System.nanoTime() < deadline) {
            Markets.sleep(50);
            f = api.get("/admin/markets/" + marketId + "/feed", markets.admin()).json();
        }
        assertTrue(condition.test(f), f.toString());
        return f;
    }

    /** The quarantine entry whose raw message is exactly {@code body} (waits up to 10 s). */
    static Optional<JsonNode> quarantined(String body) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String cursor = null;
            for (int page = 0; page < 20; page++) {
                Api.Reply r = api.get("/admin/feed/quarantine?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), markets.admin());
                for (JsonNode e : r.json().path("entries")) {
                    if (e.path("message").asText().equals(body)) {
                        return Optional.of(e);
                    }
                }
                cursor = r.json().path("nextCursor").isTextual() ? r.json().path("nextCursor").asText() : null;
                if (cursor == null) {
                    break;
                }
            }
            Markets.sleep(100);
        }
        return Optional.empty();
    }

    static void assertTrueMessage(boolean b, String m) {
        assertTrue(b, m);
    }
}
