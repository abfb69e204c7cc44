package dev.holdfast.domain.capacity;

import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan against figures worked out by hand. */
class PreScalingPlanTest {
    private static final Instant START = Instant.parse("2026-12-20T09:00:00Z");
    private static final Instant END = Instant.parse("2026-12-20T11:30:00Z");
    private final PreScalingPlan planner = new PreScalingPlan(PathCosts.design());

    @Test
    void needsArePeakTimesUnitsWithHeadroom() {
        PreScalingPlan.Needs n = planner.needs(new ExpectedPeak(5_000, 20_000, 300));
        // orders table: 5,000 × (1 read, 2 writes) × 1.25
        assertEquals(new WarmUnits(6_250, 12_500), n.warm().get(WarmTarget.table("orders")));
        assertEquals(new WarmUnits(0, 6_250), n.warm().get(WarmTarget.index("orders", "byUser")));
        // wallet: orders 5,000 × (1, 4) + withdrawals 300 × (4, 15) = (6,200, 24,500) × 1.25
        assertEquals(new WarmUnits(7_750, 30_625), n.warm().get(WarmTarget.table("wallet")));
        // waiting room: 20,000 × (1 + 20 polls, 2) × 1.25 = (525,000, 50,000): above the per-table quota
        assertEquals(new WarmUnits(40_000, 40_000), n.warm().get(WarmTarget.table("waiting-room")));
        assertEquals(new WarmUnits(525_000, 50_000), n.beyondQuota().get(WarmTarget.table("waiting-room")));
        // orders: 5,000/s × 50 ms × 1.25 = 313, capped at its reserved 144
        assertEquals(144, n.provisioned().get(Functions.ORDERS.id()));
        assertEquals(138, n.provisioned().get(Functions.WAITING_ROOM.id()));
        // status: 500/s × 20 ms × 1.25 = 12.5 → 13
        assertEquals(13, n.provisioned().get(Functions.PLATFORM.id()));
    }

    @Test
    void timelineRaisesAheadAndRestoresConcurrencyAtTheEnd() {
        PlannedSurge s = new PlannedSurge("derby", "BROADCAST", START, END, new ExpectedPeak(1_000, 0, 0));
        PreScalingPlan.Plan plan = planner.plan(List.of(s), CapacitySettings.none(), Map.of());
        List<PreScalingAction> t = plan.timeline();
        // 1,000 orders/s: exposure 8,000 × 1.25 = 10,000 writes > 4,000: raised a day ahead
        assertTrue(t.contains(new PreScalingAction.SetWarmThroughput(START.minus(PreScalingPlan.WARM_LEAD),
                WarmTarget.table("exposure"), CapacitySettings.NEW_ON_DEMAND, new WarmUnits(12_000, 10_000), List.of("derby"))), t.toString());
        // 1,000 × 0.05 × 1.25 = 62.5 → 63 executions 15 minutes ahead, removed at the end
        assertTrue(t.contains(new PreScalingAction.SetProvisionedConcurrency(START.minus(PreScalingPlan.CONCURRENCY_LEAD),
                "orders", 0, 63, List.of("derby"))), t.toString());
        assertTrue(t.contains(new PreScalingAction.SetProvisionedConcurrency(END, "orders", 63, 0, List.of())), t.toString());
        // nothing lowers warm throughput
        assertTrue(t.stream().noneMatch(a -> a instanceof PreScalingAction.SetWarmThroughput w && !w.units().covers(w.from())));
    }

    @Test
    void aRunInsideTheWindowKeepsAHigherHandSetFigure() {
        PlannedSurge s = new PlannedSurge("derby", "BROADCAST", START, END, new ExpectedPeak(1_000, 0, 0));
        CapacitySettings byHand = CapacitySettings.none().withProvisioned("orders", 100);
        assertEquals(List.of(), planner.plan(List.of(s), byHand, Map.of()).dueAt(START).stream()
                .filter(a -> a instanceof PreScalingAction.SetProvisionedConcurrency p && p.functionId().equals("orders")).toList());
    }
}
