package dev.holdfast.local.risk;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.persistence.exposure.RiskLagStore;
import dev.holdfast.local.testing.ZeroDrift;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.StallableRiskProcessor;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The risk pipeline's lag drives the fail-close switch, end to end: the real processor on the real
 * orders stream, the heartbeat keeping an idle pipeline reporting, and a processor that stalls.
 * While it is stalled for longer than {@code failClose.maxRiskLagSeconds}, {@code POST /orders}
 * answers {@code 503 TRADING_HALTED} with {@code RISK_BACKLOG}; once it catches up, orders are
 * taken again. Its own environment: a 3-second bound and a 1-second heartbeat.
 */
class RiskBacklogTest {
    static final FunctionDef STALLABLE = new FunctionDef("risk-processor-stallable",
            StallableRiskProcessor.class.getName(), 1024, 60, List.of(), List.of(), List.of());
    private static final int MAX_LAG_SECONDS = 3;
    private static LocalHoldfast env;
    private static Trading trading;
    private static RiskLagStore lag;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), new Triggers.TriggerSet(Triggers.QUEUES,
                List.of(new Triggers.StreamTrigger(Tables.ORDERS, STALLABLE, 100, 5)),
                List.of(new Triggers.ScheduleTrigger(Functions.RISK_HEARTBEAT, 1))));
        trading = new Trading(env);
        lag = new RiskLagStore(env.deployment());
        trading.changeRiskConfig(c -> {
            ((ObjectNode) c.path("failClose")).put("maxRiskLagSeconds", MAX_LAG_SECONDS);
            ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
            ((ObjectNode) c.path("feed")).put("keepSeconds", 600);
            ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 900);
        });
    }

    @AfterAll
    static void stop() {
        StallableRiskProcessor.release();
        try {
            ZeroDrift.assertZero(env, "RiskBacklogTest");
        } finally {
            env.close();
        }
    }

    private static Reply order(String token, JsonNode market) {
        return trading.order(token, "k-" + UUID.randomUUID(), Trading.orderBody(market, 0, "1000"));
    }

    /** Orders until one gets {@code status}; every other answer must be the other state's. */
    private static Reply orderUntil(String token, JsonNode market, int status, int otherwise) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Reply r = order(token, market);
            if (r.status() == status) {
                return r;
            }
            assertEquals(otherwise, r.status(), r.raw());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never got " + status + ": " + r.raw());
            }
            Markets.sleep(200);
        }
    }

    @Test
    void aStalledProcessorHaltsTradingAndCatchingUpResumesIt() {
        JsonNode market = trading.openMarket();
        String token = trading.fundedUser("u-" + UUID.randomUUID(), "10000000", "CASH");
        assertEquals(201, order(token, market).status());

        // idle but healthy: the heartbeat keeps the reported lag small and fresh
        Markets.sleep(2 * MAX_LAG_SECONDS * 1000L);
        RiskLagStore.Lag reported = lag.current().orElseThrow();
        assertTrue(reported.lag().compareTo(Duration.ofSeconds(MAX_LAG_SECONDS)) < 0, reported.toString());
        assertTrue(!RiskLagStore.failClosed(lag.current(), MAX_LAG_SECONDS, Instant.now()), reported.toString());
        assertEquals(201, order(token, market).status(), "a quiet pipeline does not halt trading");
        assertTrue(StallableRiskProcessor.SAW_RECORDS.get());
        assertTrue(StallableRiskProcessor.ALL_HAD_CREATION_TIME.get(), "stream records carry ApproximateCreationDateTime");

        String cashBefore;
        StallableRiskProcessor.stall();
        try {
            Reply halted = orderUntil(token, market, 503, 201);
            assertEquals("TRADING_HALTED", halted.code(), halted.raw());
            assertEquals("RISK_BACKLOG", halted.json().path("error").path("details").path("reason").asText(), halted.raw());
            cashBefore = trading.wallet(token).path("cash").asText();
            Markets.sleep(500);
            assertEquals(503, order(token, market).status(), "still behind: still halted");
            assertEquals(cashBefore, trading.wallet(token).path("cash").asText(), "a halted order moves no money");
        } finally {
            StallableRiskProcessor.release();
        }
        Reply resumed = orderUntil(token, market, 201, 503);
        assertEquals("ACCEPTED", resumed.json().path("status").asText());
        assertTrue(lag.current().orElseThrow().lag().compareTo(Duration.ofSeconds(MAX_LAG_SECONDS)) <= 0);
    }
}
