package dev.holdfast.resources;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutesTest {
    @Test
    void routeKeysAreUniqueAndServedByDefinedFunctions() {
        Set<String> keys = new HashSet<>();
        for (RouteDef r : Routes.ALL) {
            assertTrue(keys.add(r.routeKey()), "duplicate " + r.routeKey());
            assertTrue(r.path().startsWith("/"), r.routeKey());
            if (r.access() == Access.LOCAL_ONLY) {
                assertNull(r.function(), r.routeKey());
                assertTrue(r.path().startsWith("/local/"), "local-only routes live under /local/");
            } else {
                assertNotNull(r.function(), r.routeKey());
                assertTrue(Functions.ALL.contains(r.function()), r.routeKey());
            }
            if (r.path().startsWith("/admin/")) {
                assertEquals(Access.ADMIN, r.access(), "every /admin/* route needs the admin group: " + r.routeKey());
            }
        }
        assertTrue(Functions.ALL.contains(Routes.DEFAULT_FUNCTION));
    }

    @Test
    void deployedRoutesNeverIncludeLocalOnes() {
        assertFalse(Routes.deployed().isEmpty());
        assertTrue(Routes.deployed().stream().noneMatch(r -> r.path().startsWith("/local/")));
    }

    @Test
    void matchesTemplatesAndPrefersLiterals() {
        RouteDef param = new RouteDef("GET", "/markets/{marketId}", Access.PUBLIC, Functions.PLATFORM);
        assertEquals(Map.of("marketId", "m-1"), param.match("GET", "/markets/m-1").orElseThrow());
        assertTrue(param.match("GET", "/markets/m-1/").isPresent(), "a trailing slash is the same resource");
        assertTrue(param.match("GET", "/markets/").isEmpty());
        assertTrue(param.match("GET", "/markets").isEmpty());
        assertTrue(param.match("POST", "/markets/m-1").isEmpty());
        assertTrue(param.match("GET", "/markets/m-1/prices").isEmpty());

        assertEquals("GET /status", Routes.match("GET", "/status").orElseThrow().route().routeKey());
        assertTrue(Routes.match("GET", "/nope").isEmpty());
        assertTrue(Routes.match("DELETE", "/status").isEmpty());
    }

    @Test
    void stagesNameResources() {
        assertEquals("holdfast-feed.fifo", Queues.FEED.queueName(Naming.prefixFor("local")));
        assertEquals("holdfast-feed.fifo", Queues.FEED.queueName(Naming.prefixFor("prod")));
        assertEquals("holdfast-dev-feed-dlq.fifo", Queues.FEED.dlqName(Naming.prefixFor("dev")));
        assertEquals("holdfast-staging-orders", Naming.tableName("staging", Tables.ORDERS));
        for (String bad : new String[]{"", "Prod", "a-b", "x".repeat(20)}) {
            try {
                Naming.prefixFor(bad);
                throw new AssertionError("accepted stage " + bad);
            } catch (IllegalArgumentException expected) {
                // refused
            }
        }
    }

    @Test
    void everyQueueIsFifoWithADlqAndEveryMoneyTableIsMarked() {
        for (QueueDef q : Queues.ALL) {
            assertTrue(q.fifo());
            assertTrue(q.maxReceiveCount() >= 1 && q.maxReceiveCount() <= 1000);
        }
        for (TableDef t : Tables.ALL) {
            if (Set.of("audit", "orders", "wallet", "markets", "exposure").contains(t.id())) {
                assertTrue(t.holdsMoneyOrAudit(), t.id());
            }
        }
    }
}
