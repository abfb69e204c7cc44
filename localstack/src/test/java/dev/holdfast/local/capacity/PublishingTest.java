package dev.holdfast.local.capacity;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The publishing path's arithmetic against figures worked out by hand. */
class PublishingTest {
    static final Publishing.Limits L = Publishing.Limits.published();

    @Test
    void aHundredThousandWatchersNeedTenTimesTheAccountThrottleInPosts() {
        Publishing p = Publishing.broadcast(100_000);
        assertEquals(5_000, p.watchersPerMarket(), 1e-9);
        assertEquals(100_000, p.sendsPerSecond(), 1e-9); // 20 markets × 1 change/s × 5,000 watchers
        // 5,000 × 60 B = 300,000 B = 74 pages of 4 KB (more than the 8 shard queries) × 0.5 RCU
        assertEquals(37, p.rcuPerChange(), 1e-9);
        List<Publishing.Load> b = p.binding(L);
        assertTrue(b.get(0).what().startsWith("API Gateway requests/s"), b.get(0).what());
        // 100,000 posts + 333 pings + 333 connects and subscribes (100,000 / 600 s × 2)
        assertEquals(100_000 + 100_000 / 300.0 + 100_000 / 600.0 * 2, b.get(0).demand(), 1e-6);
        assertEquals(0.1, p.deliverableChangesPerSecond(L), 1e-9);
        Publishing.Load connects = b.stream().filter(x -> x.what().startsWith("new WebSocket")).findFirst().orElseThrow();
        assertEquals(100_000 / 600.0, connects.demand(), 1e-9);
        assertTrue(connects.share() < 1, "connecting within 10 minutes fits the 500/s quota");
    }

    @Test
    void aMillionWatchersAlsoOutrunTheConnectionQuota() {
        Publishing p = Publishing.broadcast(1_000_000);
        Publishing.Load connects = p.loads(L).stream().filter(x -> x.what().startsWith("new WebSocket")).findFirst().orElseThrow();
        assertEquals(1_000_000 / 600.0, connects.demand(), 1e-9);
        assertTrue(connects.share() > 3, "1,667/s against 500/s");
        assertEquals(1_000_000, p.sendsPerSecond() / 1, 1e-9 * 1_000_000);
        assertEquals(0.01, p.deliverableChangesPerSecond(L), 1e-12);
        // 50,000 watchers per market × 60 B = 3,000,000 B = 733 pages × 0.5
        assertEquals(366.5, p.rcuPerChange(), 1e-9);
        assertTrue(p.loads(L).stream().filter(x -> x.what().contains("RCU/s (table)")).findFirst().orElseThrow().share() < 1,
                "subscriber reads fit the table: 7,330 RCU/s of 12,000");
    }
}
