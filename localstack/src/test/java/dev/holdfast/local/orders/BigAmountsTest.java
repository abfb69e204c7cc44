package dev.holdfast.local.orders;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.local.testing.ZeroDrift;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Trading;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 15-digit amounts through stake, payout, balance and exposure, over real HTTP. Its own
 * environment: exposure this large would leave the shared one above its default global limit.
 */
class BigAmountsTest {
    private static LocalHoldfast env;
    private static Trading trading;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0));
        trading = new Trading(env);
        api = trading.api();
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "BigAmountsTest");
        } finally {
            env.close();
        }
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private static BigDecimal exposure(String scope, String id, String extra) {
        Reply r = api.get("/admin/exposure?scope=" + scope + "&id=" + id + extra, trading.admin());
        assertEquals(200, r.status(), r.raw());
        return new BigDecimal(r.json().path("exposure").asText());
    }

    @Test
    void fifteenDigitAmountsWorkEndToEnd() {
        JsonNode before = trading.changeRiskConfig(c -> {
            ((ObjectNode) c.path("stake")).put("max", "999999999999999");
            ((ObjectNode) c.path("limits")).put("global", "999999999999999");
            for (String s : List.of("event", "user", "segment")) {
                ((ObjectNode) c.path("limits").path(s)).put("default", "999999999999999");
            }
        });
        try {
            JsonNode market = trading.openMarket("0.95", "0.04", "0.01");
            String sub = user();
            String token = trading.fundedUser(sub, "999999999999999", "CASH");
            Reply r = trading.order(token, "big", Trading.orderBody(market, 0, "999999999999999"));
            assertEquals(201, r.status(), r.raw());
            BigDecimal odds = new BigDecimal(r.json().path("odds").asText());
            assertEquals(new BigDecimal("999999999999999").multiply(odds).setScale(0, RoundingMode.DOWN).toPlainString(),
                    r.json().path("potentialPayout").asText());
            assertEquals("999999999999999", r.json().path("stake").asText());
            assertEquals("0", trading.wallet(token).path("cash").asText());
            assertEquals("999999999999999", trading.wallet(token).path("openExposure").asText());
            assertEquals(0, new BigDecimal("999999999999999").multiply(odds.subtract(BigDecimal.ONE))
                    .compareTo(exposure("USER", sub, "")));
        } finally {
            trading.restoreRiskConfig(before);
        }
    }

}
