package dev.holdfast.local.environment;

import dev.holdfast.local.LambdaConcurrency;
import dev.holdfast.local.LocalBulkheads;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lambda's concurrency model of the local function host, on its own (no environment). */
class LambdaConcurrencyTest {

    @Test
    void aReservedFunctionRunsAtMostItsReservationAndNobodyElseTakesIt() {
        LambdaConcurrency c = LambdaConcurrency.reserved(Map.of("orders", 2, "wallet", 1), 1);
        var o1 = c.tryEnter(Functions.ORDERS).orElseThrow();
        c.tryEnter(Functions.ORDERS).orElseThrow();
        assertTrue(c.tryEnter(Functions.ORDERS).isEmpty(), "a third order is throttled");
        assertEquals(1, c.throttled(Functions.ORDERS));

        c.tryEnter(Functions.WALLET).orElseThrow();
        assertTrue(c.tryEnter(Functions.WALLET).isEmpty(), "the wallet is at its reservation");
        c.tryEnter(Functions.MARKETS).orElseThrow(); // the unreserved pool: its own slot
        assertTrue(c.tryEnter(Functions.RISK).isEmpty(), "unreserved functions share the rest");

        o1.close();
        assertTrue(c.tryEnter(Functions.ORDERS).isPresent(), "a freed slot is taken again");
        assertEquals(2, c.limitOf(Functions.ORDERS));
        assertEquals(1, c.limitOf(Functions.RISK));
    }

    @Test
    void withoutBulkheadsOneFunctionsSurgeThrottlesEveryOther() {
        LambdaConcurrency c = LambdaConcurrency.shared(3);
        for (int i = 0; i < 3; i++) {
            c.tryEnter(Functions.WALLET).orElseThrow();
        }
        assertTrue(c.tryEnter(Functions.ORDERS).isEmpty(), "orders starve behind the withdrawals");
        assertTrue(c.tryEnter(Functions.PLATFORM).isEmpty(), "so does the status screen");
        assertFalse(c.isReserved(Functions.ORDERS));
    }

    @Test
    void anEventSourceWaitsForASlotInsteadOfBeingThrottled() throws Exception {
        LambdaConcurrency c = LambdaConcurrency.reserved(Map.of("withdrawal-worker", 1), 1);
        var running = c.tryEnter(Functions.WITHDRAWAL_WORKER).orElseThrow();
        CompletableFuture<Void> delivery = CompletableFuture.runAsync(() -> c.enter(Functions.WITHDRAWAL_WORKER).close());
        assertThrows(TimeoutException.class, () -> delivery.get(300, TimeUnit.MILLISECONDS), "it waits while the slot is taken");
        running.close();
        delivery.get(5, TimeUnit.SECONDS);
        assertEquals(1, c.waited(Functions.WITHDRAWAL_WORKER));
        assertEquals(0, c.throttled(Functions.WITHDRAWAL_WORKER));
    }

    @Test
    void theLimitsAreAwsNumbersScaledToThisMachineRoundedUp() {
        LocalOptions.Concurrency small = new LocalOptions.Concurrency(0.01, true);
        LambdaConcurrency c = LocalBulkheads.local(small);
        int orders = LocalBulkheads.sizing().reservedFor(Functions.ORDERS).orElseThrow();
        assertEquals((int) Math.ceil(orders * 0.01), c.limitOf(Functions.ORDERS));
        assertEquals((int) Math.ceil(LocalBulkheads.sizing().unreserved() * 0.01), c.limitOf(Functions.MARKETS));
        assertEquals(1, new LocalOptions.Concurrency(1e-6, true).scaled(300), "never below one slot");

        LambdaConcurrency none = LocalBulkheads.local(new LocalOptions.Concurrency(0.01, false));
        assertEquals((int) Math.ceil(LocalBulkheads.sizing().accountConcurrency() * 0.01), none.limitOf(Functions.ORDERS), "one pool: the account's");
        assertFalse(none.isReserved(Functions.ORDERS));

        assertFalse(LocalOptions.defaults().concurrency().limited(), "no limit unless told");
        assertFalse(LocalBulkheads.local(LocalOptions.defaults().concurrency()).limited());
        assertEquals(0.05, LocalOptions.parse(new String[]{"--concurrency-scale", "0.05"}).concurrency().scale());
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--concurrency-scale", "0"}));
    }
}
