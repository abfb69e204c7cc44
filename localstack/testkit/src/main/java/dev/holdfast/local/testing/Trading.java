package dev.holdfast.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.LocalHoldfast;

import java.util.UUID;
import java.util.function.Consumer;

/** Fixtures for order tests: open priced markets, funded accounts, risk config changes. */
public final class Trading {
    private final Markets markets;
    private final Api api;
    private final String admin;

    public Trading(LocalHoldfast env) {
        this.markets = new Markets(env);
        this.api = markets.api();
        this.admin = markets.admin();
    }

    public Api api() {
        return api;
    }

    public Markets markets() {
        return markets;
    }

    public String admin() {
        return admin;
    }

    /** An OPEN market priced from probabilities 0.5/0.3/0.2 (the first selection's odds are 1.9047). */
    public JsonNode openMarket() {
        return openMarket("0.5", "0.3", "0.2");
    }

    public JsonNode openMarket(String... probabilities) {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        markets.send(pm, 1, probabilities);
        markets.await(id, m -> !m.path("price").isNull());
        Api.Reply open = api.post("/admin/markets/" + id + "/state", admin, "{\"state\":\"OPEN\"}");
        if (open.status() != 200) {
            throw new AssertionError(open.raw());
        }
        ObjectNode m = (ObjectNode) open.json();
        m.put("providerMarketId", pm);
        return m;
    }

    /** A new user with {@code amount} of {@code fund} credited; returns its token. */
    public String fundedUser(String sub, String amount, String fund) {
        credit(sub, amount, fund);
        return api.token(sub);
    }

    public void credit(String sub, String amount, String fund) {
        Api.Reply r = api.send("POST", "/admin/accounts/" + sub + "/credits", admin,
                "{\"amount\":\"" + amount + "\",\"fund\":\"" + fund + "\",\"reason\":\"test funding\"}",
                "Idempotency-Key", "fund-" + UUID.randomUUID());
        if (r.status() != 201) {
            throw new AssertionError(r.raw());
        }
    }

    public static String orderBody(JsonNode market, int selection, String stake) {
        String selectionId = market.path("selections").get(selection).path("selectionId").asText();
        return "{\"marketId\":\"" + market.path("marketId").asText() + "\",\"selectionId\":\"" + selectionId
                + "\",\"stake\":\"" + stake + "\",\"priceVersion\":" + market.path("price").path("priceVersion").asLong() + "}";
    }

    public Api.Reply order(String token, String key, String body) {
        return api.send("POST", "/orders", token, body, "Idempotency-Key", key);
    }

    public JsonNode wallet(String token) {
        return api.get("/wallet", token).json();
    }

    public JsonNode riskConfig() {
        return api.get("/admin/risk/config", admin).json();
    }

    /**
     * Changes the risk config and waits out the order path's config cache (2 s), so the change is
     * in force for the orders that follow; returns the config before.
     */
    public JsonNode changeRiskConfig(Consumer<ObjectNode> change) {
        JsonNode before = riskConfig();
        ObjectNode next = before.deepCopy();
        change.accept(next);
        putRiskConfig(next, before.path("version").asLong(), "test change");
        return before;
    }

    /**
     * Config for volume tests in their own environment: no practical rate limit, prices that stay
     * fresh for half an hour, and no suspensions by the post-trade processor.
     */
    public static void forVolume(ObjectNode c) {
        ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
        ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
        ((ObjectNode) c.path("rateLimits")).put("entersPerAddressPerMinute", 100_000);
        ((ObjectNode) c.path("rateLimits")).put("entersPerDevicePerMinute", 100_000);
        ((ObjectNode) c.path("feed")).put("keepSeconds", 1800);
        ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 3600);
        if (c.path("postTrade").isObject()) {
            ((ObjectNode) c.path("postTrade")).put("suspendMarkets", false);
        }
    }

    public void restoreRiskConfig(JsonNode config) {
        JsonNode now = riskConfig();
        putRiskConfig((ObjectNode) config.deepCopy(), now.path("version").asLong(), "test restore");
    }

    private void putRiskConfig(ObjectNode config, long ifMatch, String reason) {
        config.remove("version");
        config.put("reason", reason);
        Api.Reply r = api.send("PUT", "/admin/risk/config", admin, Json.write(config), "If-Match", Long.toString(ifMatch));
        if (r.status() != 200) {
            throw new AssertionError(r.raw());
        }
        Markets.sleep(2_300);
    }
}
