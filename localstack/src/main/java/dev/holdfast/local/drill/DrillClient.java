package dev.holdfast.local.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.resources.Queues;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A drill's view of Holdfast: real HTTP against the local API through the Java client generated from
 * docs/openapi.yaml (as an app team's client would see it), and
 * the feed adapter's messages on the real feed queue. Setup calls fail loudly; traffic calls
 * return every answer as it came.
 */
public final class DrillClient {
    private final LocalHoldfast env;
    private static volatile Consumer<Exchange> observer = x -> { };
    private final ContractClient http;
    private final String admin;

    public DrillClient(LocalHoldfast env) {
        this(env, env.apiBaseUrl());
    }

    /** A client of an environment running elsewhere (another process) at {@code baseUrl}; {@link #feed} is not available. */
    public DrillClient(String baseUrl) {
        this(null, baseUrl);
    }

    /** A client of {@code env} that sends its calls to {@code baseUrl} (e.g. a degraded gateway). */
    public DrillClient(LocalHoldfast env, String baseUrl) {
        this.env = env;
        this.http = new ContractClient(baseUrl);
        this.admin = token("drill-ops", "admin");
    }

    /** One answer as the client saw it, and how long it took. */
    public record Reply(int status, java.util.Map<String, List<String>> headers, String raw, JsonNode json, long nanos) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** The contract error code, or null when the body is not an error. */
        public String code() {
            return json.path("error").path("code").asText(null);
        }

        /** Whether the body has the contract's error shape {@code {"error": {"code", "message", "details"?}}}. */
        public boolean contractError() {
            JsonNode e = json.path("error");
            return e.isObject() && e.path("code").isTextual() && !e.path("code").asText().isEmpty()
                    && e.path("message").isTextual() && (e.path("details").isMissingNode() || e.path("details").isObject());
        }

        public double millis() {
            return nanos / 1e6;
        }
    }

    public String admin() {
        return admin;
    }

    /**
     * Sends one call through the Java client generated from docs/openapi.yaml ({@link ContractClient}): the
     * document's operation for the method and path; a call it cannot make as given (a deliberately bad one)
     * goes over the wire as given.
     */
    public Reply send(String method, String path, String token, String body, String... headers) {
        Exchange x = http.send(method, path, token, body, headers);
        observer.accept(x);
        if (x.status() == 200 && "POST".equals(x.method()) && x.uri().getPath().endsWith("/admin/maintenance")) {
            ModeBound.await(); // the contract lets a mode change bind within a bound: wait it out
        }
        JsonNode json;
        try {
            json = x.responseBody().isEmpty() ? NullNode.getInstance() : Json.parse(x.responseBody());
        } catch (IOException e) {
            json = NullNode.getInstance();
        }
        return new Reply(x.status(), x.responseHeaders(), x.responseBody(), json, x.nanos());
    }

    /** Every exchange of every drill client from now on is also handed to {@code check} (tests: the document check). */
    public static void observe(Consumer<Exchange> check) {
        observer = check;
    }

    public Reply get(String path, String token) {
        return send("GET", path, token, null);
    }

    /**
     * A setup call that must answer {@code expected}. A busy platform's {@code 503} (not
     * {@code TRADING_HALTED}) committed nothing and is retried, as the contract allows — in the
     * AWS-faithful mode a burst of setup calls can meet a partition's limit; so is a {@code 429}
     * (a function at its concurrency limit), after its {@code Retry-After}.
     */
    public JsonNode expect(int expected, String method, String path, String token, String body, String... headers) {
        Reply r = send(method, path, token, body, headers);
        for (int attempt = 0; attempt < 20 && r.status() != expected
                && ((r.status() == 503 && !"TRADING_HALTED".equals(r.code())) || r.status() == 429); attempt++) {
            sleep(r.status() == 429 ? 1000L : 250L + 250L * attempt);
            r = send(method, path, token, body, headers);
        }
        if (r.status() != expected) {
            throw new IllegalStateException("drill setup: " + method + " " + path + " answered " + r.status() + " " + r.raw());
        }
        return r.json();
    }

    public String token(String sub, String... groups) {
        StringBuilder g = new StringBuilder("[");
        for (String group : groups) {
            g.append(g.length() > 1 ? "," : "").append('"').append(group).append('"');
        }
        return expect(200, "POST", "/local/token", null, "{\"sub\":\"" + sub + "\",\"groups\":" + g + "],\"ttlSeconds\":7200}")
                .path("token").asText();
    }

    public Reply credit(String accountId, String amount, String fund, String key) {
        return send("POST", "/admin/accounts/" + enc(accountId) + "/credits", admin,
                "{\"amount\":\"" + amount + "\",\"fund\":\"" + fund + "\",\"reason\":\"drill funding\"}",
                "Idempotency-Key", key);
    }

    public void fund(String accountId, String amount, String fund) {
        Reply r = credit(accountId, amount, fund, "fund-" + UUID.randomUUID());
        if (r.status() != 201) {
            throw new IllegalStateException("drill setup: credit answered " + r.status() + " " + r.raw());
        }
    }

    public Reply order(String token, String key, String body) {
        return send("POST", "/orders", token, body, "Idempotency-Key", key);
    }

    public static String orderBody(String marketId, String selectionId, String stake, long priceVersion) {
        return "{\"marketId\":\"" + marketId + "\",\"selectionId\":\"" + selectionId + "\",\"stake\":\"" + stake
                + "\",\"priceVersion\":" + priceVersion + "}";
    }

    public static String withdrawalBody(String amount) {
        return "{\"amount\":\"" + amount + "\",\"destination\":{\"bank\":\"KB\",\"account\":\"123-456-789\"}}";
    }

    public Reply withdraw(String token, String key, String amount) {
        return send("POST", "/wallet/withdrawals", token, withdrawalBody(amount), "Idempotency-Key", key);
    }

    // ------------------------------------------------------------------------------ markets and feed

    /** An event and a two-way market on it, fed by provider "acme" as {@code providerMarketId} ("1", "2"). */
    public JsonNode market(String providerMarketId) {
        String event = expect(201, "POST", "/admin/events", admin,
                "{\"name\":\"Drill final\",\"startsAt\":\"2026-12-24T18:00:00.000Z\",\"segment\":\"drill\"}")
                .path("eventId").asText();
        return expect(201, "POST", "/admin/markets", admin, "{\"eventId\":\"" + event + "\",\"name\":\"Match winner\","
                + "\"selections\":[{\"name\":\"Home\"},{\"name\":\"Away\"}],\"feed\":{\"provider\":\"acme\","
                + "\"providerMarketId\":\"" + providerMarketId + "\",\"selections\":{\"1\":0,\"2\":1}}}");
    }

    /** Sends one feed message for {@code providerMarketId} as the adapter does (group = provider market). */
    public void feed(String providerMarketId, long sequence, String p1, String p2) {
        String body = "{\"provider\":\"acme\",\"providerMarketId\":\"" + providerMarketId + "\",\"sequence\":" + sequence
                + ",\"sourceTimestamp\":\"" + Instant.now() + "\",\"selections\":[{\"providerSelectionId\":\"1\",\"probability\":\""
                + p1 + "\"},{\"providerSelectionId\":\"2\",\"probability\":\"" + p2 + "\"}]}";
        env.deployment().clients().sqs().sendMessage(b -> b.queueUrl(env.queueUrls(Queues.FEED).url())
                .messageBody(body).messageGroupId(providerMarketId)
                .messageDeduplicationId("acme:" + providerMarketId + ":" + sequence));
    }

    public JsonNode marketView(String marketId) {
        return expect(200, "GET", "/markets/" + enc(marketId), admin, null);
    }

    /** Polls the market until {@code condition} holds, or fails after {@code timeout}. */
    public JsonNode awaitMarket(String marketId, Predicate<JsonNode> condition, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        JsonNode m = marketView(marketId);
        while (!condition.test(m)) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("drill setup: market " + marketId + " never reached the expected state: " + m);
            }
            sleep(50);
            m = marketView(marketId);
        }
        return m;
    }

    public JsonNode openMarket(String marketId) {
        return expect(200, "POST", "/admin/markets/" + enc(marketId) + "/state", admin, "{\"state\":\"OPEN\"}");
    }

    // ------------------------------------------------------------------------------ risk config

    /** Changes the risk config and waits out the order path's 2-second config cache. */
    public void changeRiskConfig(Consumer<ObjectNode> change, String reason) {
        JsonNode before = expect(200, "GET", "/admin/risk/config", admin, null);
        ObjectNode next = before.deepCopy();
        change.accept(next);
        next.remove("version");
        next.put("reason", reason);
        expect(200, "PUT", "/admin/risk/config", admin, Json.write(next), "If-Match", before.path("version").asText());
        sleep(2_300);
    }

    // ------------------------------------------------------------------------------ paged reads

    /** Every order of the caller (newest first), all pages. */
    public List<JsonNode> orders(String token) {
        return pages("/orders?limit=200", token, "orders");
    }

    /** Every ledger entry of the caller (newest first), all pages. */
    public List<JsonNode> ledger(String token) {
        return pages("/wallet/ledger", token, "entries");
    }

    /** Every audit record (newest first), all pages. */
    public List<JsonNode> audit() {
        return pages("/admin/audit?limit=200", admin, "records");
    }

    private List<JsonNode> pages(String path, String token, String field) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            String p = cursor == null ? path : path + (path.contains("?") ? "&" : "?") + "cursor=" + enc(cursor);
            JsonNode page = expect(200, "GET", p, token, null);
            page.path(field).forEach(all::add);
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return all;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
