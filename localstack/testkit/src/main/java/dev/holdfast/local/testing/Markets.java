package dev.holdfast.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.resources.Queues;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** Test fixtures for events, markets and feed messages, through the real API and the real queue. */
public final class Markets {
    private final LocalHoldfast env;
    private final Api api;
    private final String admin;

    public Markets(LocalHoldfast env) {
        this.env = env;
        this.api = new Api(env.apiBaseUrl());
        this.admin = api.token("markets-admin", "admin");
    }

    public Api api() {
        return api;
    }

    public String admin() {
        return admin;
    }

    public String event() {
        return event("region:busan");
    }

    public String event(String segment) {
        Api.Reply r = api.post("/admin/events", admin,
                "{\"name\":\"Final\",\"startsAt\":\"2026-12-01T18:00:00.000Z\",\"segment\":\"" + segment + "\"}");
        if (r.status() != 201) {
            throw new AssertionError(r.raw());
        }
        return r.json().path("eventId").asText();
    }

    /** A market with selections Home/Draw/Away fed by provider "acme" as "1"/"2"/"3". */
    public JsonNode market(String providerMarketId) {
        Api.Reply r = api.post("/admin/markets", admin, "{\"eventId\":\"" + event() + "\",\"name\":\"Match winner\","
                + "\"selections\":[{\"name\":\"Home\"},{\"name\":\"Draw\"},{\"name\":\"Away\"}],"
                + "\"feed\":{\"provider\":\"acme\",\"providerMarketId\":\"" + providerMarketId + "\","
                + "\"selections\":{\"1\":0,\"2\":1,\"3\":2}}}");
        if (r.status() != 201) {
            throw new AssertionError(r.raw());
        }
        return r.json();
    }

    public static String newProviderMarketId() {
        return "pm-" + UUID.randomUUID();
    }

    public static String feedBody(String providerMarketId, long sequence, String... probabilities) {
        StringBuilder sel = new StringBuilder();
        for (int i = 0; i < probabilities.length; i++) {
            sel.append(i == 0 ? "" : ",").append("{\"providerSelectionId\":\"").append(i + 1)
                    .append("\",\"probability\":\"").append(probabilities[i]).append("\"}");
        }
        return "{\"provider\":\"acme\",\"providerMarketId\":\"" + providerMarketId + "\",\"sequence\":" + sequence
                + ",\"sourceTimestamp\":\"" + Instant.now() + "\",\"selections\":[" + sel + "]}";
    }

    /**
     * Sends a feed message as the adapter does (group = provider market), with a dedup id that also
     * carries a random part, so redeliveries past SQS's 5-minute window reach the ingester in tests.
     */
    public void send(String providerMarketId, long sequence, String body) {
        env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.queueUrls(Queues.FEED).url())
                .messageBody(body).messageGroupId(providerMarketId)
                .messageDeduplicationId("acme:" + providerMarketId + ":" + sequence + ":" + UUID.randomUUID()));
    }

    public void send(String providerMarketId, long sequence, String... probabilities) {
        send(providerMarketId, sequence, feedBody(providerMarketId, sequence, probabilities));
    }

    public JsonNode get(String marketId) {
        return api.get("/markets/" + marketId, admin).json();
    }

    /** Polls the market until {@code condition} holds (the feed is asynchronous). */
    public JsonNode await(String marketId, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode m = get(marketId);
        while (!condition.test(m)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("market never reached the expected state: " + m);
            }
            sleep(50);
            m = get(marketId);
        }
        return m;
    }

    public static List<String> selectionIds(JsonNode market) {
        return java.util.stream.StreamSupport.stream(market.path("selections").spliterator(), false)
                .map(s -> s.path("selectionId").asText()).toList();
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
