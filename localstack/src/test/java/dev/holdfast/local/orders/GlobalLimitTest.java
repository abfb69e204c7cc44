package dev.holdfast.local.orders;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.local.testing.ZeroDrift;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Trading;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 200 concurrent orders against the GLOBAL limit (split over 16 buckets) never overshoot it. Its
 * own environment, so the platform's whole exposure is this test's.
 */
class GlobalLimitTest {
    private static LocalHoldfast env;
    private static Trading trading;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0));
        trading = new Trading(env);
        trading.changeRiskConfig(c -> {
            Trading.forVolume(c);
            ((ObjectNode) c.path("limits")).put("global", "9047"); // ten orders of 1000 at 1.9047
        });
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "GlobalLimitTest");
        } finally {
            env.close();
        }
    }

    @Test
    void concurrentOrdersNeverOvershootTheGlobalLimit() throws Exception {
        JsonNode market = trading.openMarket();
        String token = trading.fundedUser("u-" + UUID.randomUUID(), "1000000", "CASH");
        OrdersTest.checkLimit("GLOBAL", 200,
                () -> trading.order(token, "k-" + UUID.randomUUID(), Trading.orderBody(market, 0, "1000")),
                () -> {
                    Reply r = trading.api().get("/admin/exposure?scope=GLOBAL", trading.admin());
                    assertEquals(200, r.status(), r.raw());
                    return new BigDecimal(r.json().path("exposure").asText());
                }, new BigDecimal("9047"));
    }
}
