package dev.holdfast.local.markets;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.local.testing.ZeroDrift;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.domain.market.PriceSnapshot;
import dev.holdfast.domain.market.Transition;
import dev.holdfast.functions.feed.FeedIngester;
import dev.holdfast.functions.feed.FeedWatchdog;
import dev.holdfast.local.testing.MutableClock;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ingesters racing on one market never publish one version twice, skip one, or move the pointer
 * backwards; and staleness moves markets SUSPENDED and back, driven by a clock the test controls.
 * This environment has no scheduled watchdog: the test runs it, at the times it chooses.
 */
class FeedRaceAndStalenessTest {
    private static LocalHoldfast env;
    private static Markets markets;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0),
                new Triggers.TriggerSet(Triggers.QUEUES, Triggers.STREAMS, List.of()));
        markets = new Markets(env);
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "FeedRaceAndStalenessTest");
        } finally {
            env.close();
        }
    }

    private static Deployment at(MutableClock clock) {
        Deployment d = env.deployment();
        return new Deployment(d.clients(), d.names(), clock);
    }

    @Test
    void racingIngestersPublishContiguousVersionsAndNeverMoveBackwards() throws Exception {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        MutableClock clock = new MutableClock(Instant.now());
        int writers = 6;
        int perWriter = 15;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> jobs = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            FeedIngester ingester = new FeedIngester(at(clock));
            jobs.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    long seq = (long) i * writers + writer + 1; // interleaved sequences, racing
                    String p1 = "0." + (10 + (seq % 80));
                    ingester.apply("race-" + seq, clock.instant(), Markets.feedBody(pm, seq, p1, "0.05", "0.05"));
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();

        MarketStore store = new MarketStore(env.deployment(), new AuditLog(env.deployment()));
        List<PriceSnapshot> snaps = store.snapshots(id);
        assertTrue(snaps.size() >= 2, "some prices were published");
        Set<Long> versions = new HashSet<>();
        for (int i = 0; i < snaps.size(); i++) {
            assertEquals(i + 1, snaps.get(i).priceVersion(), "versions are 1..n without gaps");
            assertTrue(versions.add(snaps.get(i).priceVersion()));
            if (i > 0) {
                assertTrue(snaps.get(i).feedSequence() > snaps.get(i - 1).feedSequence(),
                        "each version comes from a newer feed sequence than the one before");
            }
        }
        var market = store.market(id).orElseThrow();
        assertEquals(snaps.size(), market.price().orElseThrow().priceVersion(), "the pointer is on the newest snapshot");
        assertEquals((long) writers * perWriter, market.lastSequence(), "the newest sequence won; older ones changed nothing");
    }

    @Test
    void staleFeedSuspendsAndAFreshPriceReopens() {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        MutableClock clock = new MutableClock(Instant.now());
        FeedIngester ingester = new FeedIngester(at(clock));
        FeedWatchdog watchdog = new FeedWatchdog(at(clock));

        ingester.apply("s-1", clock.instant(), Markets.feedBody(pm, 1, "0.5", "0.3", "0.2"));
        assertEquals(200, markets.api().post("/admin/markets/" + id + "/state", markets.admin(), "{\"state\":\"OPEN\"}").status());

        clock.advance(Duration.ofSeconds(5));
        watchdog.checkOnce();
        assertEquals("OPEN", markets.get(id).path("state").asText(), "5 s old: past keepSeconds, not yet suspended");
        clock.advance(Duration.ofSeconds(5));
        watchdog.checkOnce();
        assertEquals("OPEN", markets.get(id).path("state").asText(), "exactly 10 s old: still open");
        clock.advance(Duration.ofMillis(1));
        watchdog.checkOnce();
        JsonNode suspended = markets.get(id);
        assertEquals("SUSPENDED", suspended.path("state").asText());
        assertEquals(Transition.FEED_STALE, suspended.path("stateReason").asText());

        clock.advance(Duration.ofSeconds(20));
        watchdog.checkOnce();
        assertEquals("SUSPENDED", markets.get(id).path("state").asText(), "no fresh price, stays suspended");

        ingester.apply("s-2", clock.instant(), Markets.feedBody(pm, 2, "0.5", "0.3", "0.2"));
        JsonNode reopened = markets.get(id);
        assertEquals("OPEN", reopened.path("state").asText(), "a fresh price reopens it");
        assertEquals(1, reopened.path("price").path("priceVersion").asLong(), "same odds: same version, newer age");

        JsonNode transitions = markets.api().get("/admin/markets/" + id + "/transitions", markets.admin()).json().path("transitions");
        JsonNode suspend = transitions.get(transitions.size() - 2);
        JsonNode resume = transitions.get(transitions.size() - 1);
        assertEquals("SUSPENDED", suspend.path("to").asText());
        assertEquals(Transition.FEED_WATCHDOG, suspend.path("cause").asText());
        assertEquals("OPEN", resume.path("to").asText());
        assertEquals(Transition.FEED, resume.path("cause").asText());
    }

    @Test
    void anAdminSuspensionIsNotLiftedByTheFeed() {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        MutableClock clock = new MutableClock(Instant.now());
        FeedIngester ingester = new FeedIngester(at(clock));
        ingester.apply("a-1", clock.instant(), Markets.feedBody(pm, 1, "0.5", "0.3", "0.2"));
        markets.api().post("/admin/markets/" + id + "/state", markets.admin(), "{\"state\":\"OPEN\"}");
        markets.api().post("/admin/markets/" + id + "/state", markets.admin(), "{\"state\":\"SUSPENDED\",\"reason\":\"injury\"}");
        ingester.apply("a-2", clock.instant(), Markets.feedBody(pm, 2, "0.4", "0.3", "0.3"));
        JsonNode m = markets.get(id);
        assertEquals("SUSPENDED", m.path("state").asText());
        assertEquals(2, m.path("price").path("priceVersion").asLong(), "prices still move while suspended");
        new FeedWatchdog(at(clock)).checkOnce();
        assertEquals("SUSPENDED", markets.get(id).path("state").asText());
    }
}
