package dev.holdfast.local.platform;

import dev.holdfast.local.LocalHoldfast;

import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.RiskLagStore;
import dev.holdfast.persistence.orders.TradingGate;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.domain.platform.TradingMode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order path's cached view of the trading mode (and the risk lag) states its staleness bound:
 * a view is used only while younger than the gate's bound, counted from when its read was sent, so
 * a halt answered by {@code POST /admin/maintenance} reaches the order path within that bound.
 */
class TradingGateTest {

    @Test
    void aHaltReachesTheGateWithinItsBoundAndNotBefore() throws Exception {
        LocalHoldfast env = SharedEnvironment.get();
        Api api = new Api(env.apiBaseUrl());
        String admin = api.token("ops-gate", "admin");
        Duration ttl = Duration.ofMillis(800);
        AuditLog audit = new AuditLog(env.deployment());
        TradingGate gate = new TradingGate(new StatusStore(env.deployment(), audit), new RiskLagStore(env.deployment()),
                Clock.systemUTC(), ttl);
        try {
            TradingGate.View first = gate.current();
            assertEquals(TradingMode.NORMAL, first.status().mode());
            assertSame(first, gate.current(), "a view younger than the bound is used as it is");

            assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\",\"notice\":\"gate test\"}").status());
            Instant answered = Instant.now();
            // (the test Api waits out the platform's own bound after a mode change; this gate's is longer)
            TradingGate.View seen = gate.current();
            while (seen.status().mode() == TradingMode.NORMAL) {
                Thread.sleep(5);
                seen = gate.current();
            }
            Duration took = Duration.between(answered, Instant.now());
            assertTrue(took.compareTo(ttl) <= 0, "the halt reached the gate " + took.toMillis() + " ms after the answer");
            assertTrue(!seen.readAt().isBefore(first.readAt().plus(ttl)), "the view was not re-read before its bound");
            assertEquals("gate test", seen.status().notice().orElseThrow());
        } finally {
            api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}");
        }
    }

    @Test
    void theDefaultBoundKeepsTheContractsOneSecond() {
        assertTrue(TradingGate.DEFAULT_TTL.compareTo(Duration.ofMillis(500)) <= 0);
    }
}
