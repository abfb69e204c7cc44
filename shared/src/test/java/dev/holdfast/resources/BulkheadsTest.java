package dev.holdfast.resources;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BulkheadsTest {
    private final Bulkheads.Sizing sizing = Bulkheads.defaults();

    @Test
    void reservedConcurrencyIsDemandTimesHeadroomRoundedUp() {
        // orders: (2,000 + 100 + 200) requests/s × 50 ms = 115, × 1.25 = 143.75 → 144
        assertEquals(144, sizing.reservedFor(Functions.ORDERS).orElseThrow());
        assertEquals(20, sizing.reservedFor(Functions.SETTLER).orElseThrow());          // 16 × 1.25
        assertEquals(13, sizing.reservedFor(Functions.PLATFORM).orElseThrow());         // 500 × 0.02 × 1.25 = 12.5
        assertEquals(138, sizing.reservedFor(Functions.WAITING_ROOM).orElseThrow());    // 5,500 × 0.02 × 1.25 = 137.5
        assertEquals(13, sizing.reservedFor(Functions.SIGNUP).orElseThrow());           // 500 × 0.02 × 1.25
        assertEquals(125, sizing.reservedFor(Functions.SIGNUP_WORKER).orElseThrow());   // 100 × 1.25
        assertEquals(45, sizing.reservedFor(Functions.WALLET).orElseThrow());           // 1,200 × 0.03 × 1.25
        assertEquals(50, sizing.reservedFor(Functions.WITHDRAWAL_WORKER).orElseThrow()); // 40 × 1.25
        assertTrue(sizing.reservedFor(Functions.MARKETS).isEmpty());
        assertEquals(1_000 - 548, sizing.unreserved());
    }

    @Test
    void surgeLanesLeaveTheProtectedLanesTheirShareOfTheAccount() {
        assertTrue(sizing.unreserved() >= Bulkheads.UNRESERVED_FLOOR);
        assertEquals(2_800, sizing.routeRate(Bulkheads.Lane.PROTECTED));
        assertEquals(7_200, sizing.routeRate(Bulkheads.Lane.SURGE));
        assertTrue(sizing.routeRate(Bulkheads.Lane.SURGE) <= Bulkheads.ACCOUNT_API_RPS - sizing.routeRate(Bulkheads.Lane.PROTECTED));
        assertEquals(new Bulkheads.Throttle(2_000, 1_000), sizing.routes().get("POST /orders"));
        assertEquals(new Bulkheads.Throttle(500, 250), sizing.routes().get("GET /status"));
        assertEquals(new Bulkheads.Throttle(500, 250), sizing.routes().get("POST /wallet/withdrawals"));
    }

    @Test
    void everyThrottledRouteIsADeployedRouteOfItsFunction() {
        for (String key : sizing.routes().keySet()) {
            RouteDef r = Routes.byKey(key).orElseThrow();
            assertTrue(r.deployed(), key);
            assertTrue(sizing.reserved().containsKey(r.function()), key);
        }
    }

    @Test
    void refusesAnAccountTooSmallForTheReservations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bulkheads.size(600, Bulkheads.ACCOUNT_API_RPS, Bulkheads.design()));
        assertTrue(e.getMessage().contains("unreserved"), e.getMessage());
    }

    @Test
    void refusesRouteThrottlesOverTheAccountRate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bulkheads.size(Bulkheads.ACCOUNT_CONCURRENCY, 9_000, Bulkheads.design()));
        assertTrue(e.getMessage().contains("9000"), e.getMessage());
    }

    @Test
    void refusesARouteOfAnotherFunction() {
        List<Bulkheads.Demand> wrong = List.of(new Bulkheads.Demand(Functions.WALLET, Bulkheads.Lane.SURGE,
                Map.of("POST /orders", 10), 0.02, 0, "test"));
        assertThrows(IllegalArgumentException.class,
                () -> Bulkheads.size(Bulkheads.ACCOUNT_CONCURRENCY, Bulkheads.ACCOUNT_API_RPS, wrong));
    }
}
