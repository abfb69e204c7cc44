package dev.holdfast.persistence.exposure;

import dev.holdfast.persistence.orders.RateLimiter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fail-close rule, as a pure function. */
class RiskLagStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-21T09:00:00.000Z");

    private static Optional<RiskLagStore.Lag> lag(long lagSeconds, long reportedSecondsAgo) {
        return Optional.of(new RiskLagStore.Lag(Duration.ofSeconds(lagSeconds), NOW.minusSeconds(reportedSecondsAgo)));
    }

    @Test
    void noReportEverIsNotABacklog() {
        assertFalse(RiskLagStore.failClosed(Optional.empty(), 30, NOW));
        assertFalse(RiskLagStore.failClosed(Optional.empty(), 1, NOW));
    }

    @Test
    void aFreshSmallLagKeepsTradingOpen() {
        assertFalse(RiskLagStore.failClosed(lag(0, 0), 30, NOW));
        assertFalse(RiskLagStore.failClosed(lag(29, 1), 30, NOW));
    }

    @Test
    void aLagAtTheThresholdIsStillOpenAndOneBeyondItIsClosed() {
        assertFalse(RiskLagStore.failClosed(lag(30, 0), 30, NOW));
        assertTrue(RiskLagStore.failClosed(Optional.of(new RiskLagStore.Lag(Duration.ofMillis(30_001), NOW)), 30, NOW));
        assertTrue(RiskLagStore.failClosed(lag(45, 0), 30, NOW));
    }

    @Test
    void aSilentProcessorCountsAsABacklog() {
        assertFalse(RiskLagStore.failClosed(lag(0, 30), 30, NOW));
        assertTrue(RiskLagStore.failClosed(lag(0, 31), 30, NOW));
        assertTrue(RiskLagStore.failClosed(lag(0, 3600), 30, NOW));
        assertFalse(RiskLagStore.failClosed(lag(0, 3600), 3600, NOW));
    }

    @Test
    void aReportFromTheFutureIsNotStale() {
        assertFalse(RiskLagStore.failClosed(lag(0, -5), 30, NOW));
    }

    @Test
    void retryAfterIsTheRestOfTheMinuteRoundedUp() {
        long minute = Math.floorDiv(NOW.getEpochSecond(), 60);
        long end = (minute + 1) * 60;
        org.junit.jupiter.api.Assertions.assertEquals(60, RateLimiter.retryAfterSeconds(NOW, end));
        org.junit.jupiter.api.Assertions.assertEquals(60, RateLimiter.retryAfterSeconds(NOW.plusMillis(1), end));
        org.junit.jupiter.api.Assertions.assertEquals(1, RateLimiter.retryAfterSeconds(NOW.plusMillis(59_999), end));
        org.junit.jupiter.api.Assertions.assertEquals(1, RateLimiter.retryAfterSeconds(NOW.plusSeconds(59), end));
    }
}
