package dev.holdfast.local.risk;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.RiskConfigCache;
import dev.holdfast.persistence.exposure.RiskConfigStore;
import dev.holdfast.persistence.exposure.RiskLagStore;
import dev.holdfast.persistence.orders.RateLimiter;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.risk.RiskConfig.RateLimits;
import dev.holdfast.local.testing.MutableClock;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order path's two stored risk inputs against the shared environment's DynamoDB: the rate
 * limiter's one-minute windows (time driven explicitly, no sleeps), the order path's config cache
 * and the risk-lag report.
 */
class RiskInputsTest {
    private static Deployment deployment;
    private static RateLimiter limiter;

    /** 20.5 s into a minute: the window ends 39.5 s later, so Retry-After is 40. */
    private static final Instant T = Instant.parse("2031-03-04T05:06:20.500Z");
    private static final RateLimits DEFAULT_RATES = new RateLimits(60, 600);

    @BeforeAll
    static void connect() {
        deployment = SharedEnvironment.get().deployment();
        limiter = new RateLimiter(deployment);
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    @Test
    void aUsersSixtyFirstOrderInAMinuteIsRefusedUntilTheNextMinute() {
        String user = id("u");
        String other = id("u");
        for (int i = 1; i <= 60; i++) {
            assertEquals(OptionalLong.empty(), limiter.check(user, id("ip"), DEFAULT_RATES, T.plusMillis(i * 100L)), "order " + i);
        }
        OptionalLong refused = limiter.check(user, id("ip"), DEFAULT_RATES, T.plusSeconds(9));
        assertTrue(refused.isPresent());
        assertTrue(refused.getAsLong() >= 1 && refused.getAsLong() <= 60, "Retry-After " + refused);
        assertEquals(31, refused.getAsLong(), "29.5 s into the minute: 30.5 s left, rounded up");

        assertEquals(OptionalLong.empty(), limiter.check(other, id("ip"), DEFAULT_RATES, T.plusSeconds(9)), "another user is unaffected");

        Instant nextMinute = T.plusSeconds(40);
        assertEquals(OptionalLong.empty(), limiter.check(user, id("ip"), DEFAULT_RATES, nextMinute), "a new window");
    }

    @Test
    void retryAfterIsTheRestOfTheWindow() {
        String user = id("u");
        RateLimits one = new RateLimits(1, 600);
        assertEquals(OptionalLong.empty(), limiter.check(user, null, one, T));
        assertEquals(OptionalLong.of(40), limiter.check(user, null, one, T));
        assertEquals(OptionalLong.of(1), limiter.check(user, null, one, T.plusMillis(39_400)));
        Instant windowStart = Instant.parse("2031-03-04T05:07:00Z");
        assertEquals(OptionalLong.empty(), limiter.check(user, null, one, windowStart));
        assertEquals(OptionalLong.of(60), limiter.check(user, null, one, windowStart));
    }

    @Test
    void anAddressIsLimitedAcrossUsersAndARefusedRequestStillCounts() {
        String address = id("203.0.113");
        RateLimits perAddress3 = new RateLimits(100, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(OptionalLong.empty(), limiter.check(id("u"), address, perAddress3, T));
        }
        assertTrue(limiter.check(id("u"), address, perAddress3, T).isPresent(), "a 4th user from the address");
        assertEquals(OptionalLong.empty(), limiter.check(id("u"), id("203.0.113"), perAddress3, T), "another address");
        assertEquals(OptionalLong.empty(), limiter.check(id("u"), null, perAddress3, T), "no address: per user only");

        // a user refused by the address limit still used one of their own orders
        String user = id("u");
        RateLimits user2 = new RateLimits(2, 3);
        assertTrue(limiter.check(user, address, user2, T).isPresent(), "the address is spent");
        assertEquals(OptionalLong.empty(), limiter.check(user, id("ip"), user2, T));
        assertTrue(limiter.check(user, id("ip"), user2, T).isPresent(), "the refused one counted");
    }

    @Test
    void windowsExpireTwoMinutesAfterTheyEnd() {
        String user = id("u");
        limiter.check(user, null, DEFAULT_RATES, T);
        long minute = Math.floorDiv(T.getEpochSecond(), 60);
        Map<String, AttributeValue> item = deployment.clients().dynamo().getItem(GetItemRequest.builder()
                .tableName(deployment.names().table(Tables.PLATFORM))
                .key(Map.of("pk", AttributeValue.fromS("RATE#USER#" + user), "sk", AttributeValue.fromS(Long.toString(minute))))
                .consistentRead(true).build()).item();
        assertEquals("1", item.get("n").n());
        assertEquals(Long.toString((minute + 1) * 60 + 120), item.get("expiresAt").n());
    }

    @Test
    void theCacheServesAChangeOnceItsCopyIsOlderThanTheTtl() {
        MutableClock clock = new MutableClock(Instant.now());
        RiskConfigStore store = new RiskConfigStore(deployment, new AuditLog(deployment));
        RiskConfigCache cache = new RiskConfigCache(store, clock, Duration.ofSeconds(2));
        RiskConfig before = cache.current();
        String eventId = id("e-cache");
        Map<String, Amount> overrides = new java.util.TreeMap<>(before.limits().event().overrides());
        overrides.put(eventId, Amount.of(7));
        RiskConfig.Limits limits = new RiskConfig.Limits(before.limits().global(),
                new RiskConfig.ScopedLimit(before.limits().event().defaultLimit(), overrides),
                before.limits().user(), before.limits().segment());
        RiskConfig next = new RiskConfig(1, before.stake(), limits, before.rateLimits(), before.feed(), before.failClose());
        RiskConfig stored = ((RiskConfigStore.Replaced) store.replace(before.version(), next, "risk-cache-test", "cache ttl test",
                Instant.now())).current();
        try {
            assertEquals(before.version() + 1, stored.version());
            clock.advance(Duration.ofMillis(1999));
            assertEquals(before, cache.current(), "within the ttl the cached copy is served");
            clock.advance(Duration.ofMillis(1));
            assertEquals(stored, cache.current(), "after the ttl the change is in force");
            assertEquals(Amount.of(7), cache.current().limit(LimitScope.EVENT, eventId));
        } finally {
            assertInstanceOf(RiskConfigStore.Replaced.class, store.replace(store.current().version(), before, "risk-cache-test",
                    "restore after cache ttl test", Instant.now()));
        }
        cache.invalidate();
        assertEquals(before.withVersion(cache.current().version()), cache.current());
    }

    @Test
    void theLagReportMovesOnlyForwardAndCanBeCleared() throws Exception {
        // an environment without the risk processor and its heartbeat, which report all the time
        try (LocalHoldfast quiet = LocalHoldfast.start(LocalOptions.defaults().withPort(0),
                new Triggers.TriggerSet(Triggers.QUEUES, List.of(), List.of()))) {
            lagReportMovesOnlyForward(new RiskLagStore(quiet.deployment()));
        }
    }

    private static void lagReportMovesOnlyForward(RiskLagStore lag) {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try {
            lag.report(Duration.ofSeconds(5), now);
            assertEquals(Optional.of(new RiskLagStore.Lag(Duration.ofSeconds(5), now)), lag.current());
            lag.report(Duration.ofSeconds(50), now.minusSeconds(10));
            assertEquals(Duration.ofSeconds(5), lag.current().orElseThrow().lag(), "a late, older report is ignored");
            lag.report(Duration.ofMillis(1500), now.plusMillis(1));
            assertEquals(Optional.of(new RiskLagStore.Lag(Duration.ofMillis(1500), now.plusMillis(1))), lag.current());
            assertFalse(RiskLagStore.failClosed(lag.current(), 30, now.plusSeconds(30)));
            assertTrue(RiskLagStore.failClosed(lag.current(), 30, now.plusSeconds(32)), "a silent processor");
        } finally {
            // leave no report behind: it would go silent and halt trading for later tests
            lag.clear();
        }
        assertEquals(Optional.empty(), lag.current());
        assertFalse(RiskLagStore.failClosed(lag.current(), 30, now.plusSeconds(3600)));
    }
}
