package dev.holdfast.local;

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
