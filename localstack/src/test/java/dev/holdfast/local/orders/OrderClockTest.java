package dev.holdfast.local.orders;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.local.testing.ZeroDrift;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.functions.feed.FeedIngester;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.MutableClock;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Orders against a price as it ages, over real HTTP, in an environment whose clock the test moves:
 * filled while the price is at most keepSeconds old, {@code PRICE_STALE} after, and filled again
 * once a fresh price arrives. No sleeps.
 */
class OrderClockTest {
    private static LocalHoldfast env;
    private static MutableClock clock;
    private static Trading trading;

    @BeforeAll
    static void start() throws Exception {
        clock = new MutableClock(Instant.now());
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0),
                new Triggers.TriggerSet(Triggers.QUEUES, Triggers.STREAMS, List.of()), clock);
        trading = new Trading(env);
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "OrderClockTest");
        } finally {
            env.close();
        }
    }

    @Test
    void noOrderIsFilledOnAStalePrice() {
        Markets markets = trading.markets();
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        FeedIngester feed = new FeedIngester(env.deployment());
        feed.apply("m-1", clock.instant(), Markets.feedBody(pm, 1, "0.5", "0.3", "0.2"));
        JsonNode market = trading.api().post("/admin/markets/" + id + "/state", trading.admin(), "{\"state\":\"OPEN\"}").json();
        String token = trading.fundedUser("u-" + UUID.randomUUID(), "100000", "CASH");
        String body = Trading.orderBody(market, 0, "1000");

        clock.advance(Duration.ofSeconds(3));
        assertEquals(201, trading.order(token, "t1", body).status(), "3 s old: still fresh");
        clock.advance(Duration.ofMillis(1));
        Reply stale = trading.order(token, "t2", body);
        assertEquals(409, stale.status(), stale.raw());
        assertEquals("PRICE_STALE", stale.code());
        assertEquals("99000", trading.wallet(token).path("cash").asText(), "the stale order moved no money");

        feed.apply("m-2", clock.instant(), Markets.feedBody(pm, 2, "0.5", "0.3", "0.2")); // same odds, fresh age
        assertEquals(201, trading.order(token, "t3", body).status(), "same version, fresh again");
    }
}
