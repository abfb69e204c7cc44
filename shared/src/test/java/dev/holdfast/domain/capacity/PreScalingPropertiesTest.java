package dev.holdfast.domain.capacity;

import dev.holdfast.domain.surge.ExpectedPeak;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pre-scaling plan's guarantees for any calendar, any current settings and any moment: never
 * below what is set during a surge, always back to rest after, overlapping surges take the larger
 * figure and restore only after the last, and a second run changes nothing.
 */
class PreScalingPropertiesTest {
    private static final Instant T0 = Instant.parse("2026-12-20T00:00:00Z");
    private static final List<String> FUNCTIONS = List.of("orders", "waiting-room", "platform");
    private final PreScalingPlan planner = new PreScalingPlan(PathCosts.design());

    record Case(List<PlannedSurge> surges, CapacitySettings current, Map<String, Integer> resting) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<PlannedSurge> surge = Combinators.combine(
                Arbitraries.integers().between(0, 72 * 60), Arbitraries.integers().between(1, 6 * 60),
                Arbitraries.longs().between(0, 8_000), Arbitraries.longs().between(0, 30_000),
                Arbitraries.longs().between(0, 3_000), Arbitraries.strings().alpha().ofLength(4))
                .as((startMin, lengthMin, orders, enters, withdrawals, name) -> new PlannedSurge(name, "LISTING",
                        T0.plus(Duration.ofMinutes(startMin)), T0.plus(Duration.ofMinutes(startMin + lengthMin)),
                        new ExpectedPeak(orders, enters, withdrawals)));
        Arbitrary<CapacitySettings> current = Combinators.combine(
                Arbitraries.longs().between(0, 60_000).list().ofSize(4),
                Arbitraries.integers().between(0, 200).list().ofSize(3))
                .as((units, pcs) -> {
                    Map<WarmTarget, WarmUnits> warm = new TreeMap<>();
                    warm.put(WarmTarget.table("orders"), new WarmUnits(units.get(0), units.get(1)));
                    warm.put(WarmTarget.table("wallet"), new WarmUnits(units.get(2), units.get(3)));
                    Map<String, Integer> pc = new TreeMap<>();
                    for (int i = 0; i < FUNCTIONS.size(); i++) {
                        pc.put(FUNCTIONS.get(i), pcs.get(i));
                    }
                    return new CapacitySettings(warm, pc);
                });
        Arbitrary<Map<String, Integer>> resting = Arbitraries.integers().between(0, 10).list().ofSize(3)
                .map(r -> Map.of("orders", r.get(0), "waiting-room", r.get(1), "platform", r.get(2)));
        return Combinators.combine(surge.list().ofMinSize(1).ofMaxSize(4), current, resting).as(Case::new);
    }

    private static boolean concurrencyOpen(PlannedSurge s, Instant t) {
        return !t.isBefore(s.startsAt().minus(PreScalingPlan.CONCURRENCY_LEAD)) && t.isBefore(s.endsAt());
    }

    private static boolean warmOpen(PlannedSurge s, Instant t) {
        return !t.isBefore(s.startsAt().minus(PreScalingPlan.WARM_LEAD)) && t.isBefore(s.endsAt());
    }

    private static Instant lastEnd(List<PlannedSurge> surges) {
        return surges.stream().map(PlannedSurge::endsAt).max(Instant::compareTo).orElseThrow();
    }

    @Property(tries = 300)
    void neverScalesBelowTheCurrentSettingNorBelowAnOpenSurgesNeedDuringASurge(
            @ForAll("cases") Case c, @ForAll @IntRange(min = -30 * 60, max = 80 * 60) int minute) {
        Instant t = T0.plus(Duration.ofMinutes(minute));
        PreScalingPlan.Plan plan = planner.plan(c.surges(), c.current(), c.resting());
        CapacitySettings d = plan.desiredAt(t);
        for (PlannedSurge s : c.surges()) {
            PreScalingPlan.Needs n = plan.needs(s);
            if (warmOpen(s, t)) {
                n.warm().forEach((target, need) -> {
                    assertTrue(d.warm(target).covers(need), target + " below " + s.name() + "'s need");
                    assertTrue(d.warm(target).covers(c.current().warm(target)), target + " below the current setting");
                });
            }
            if (concurrencyOpen(s, t)) {
                n.provisioned().forEach((f, need) -> {
                    assertTrue(d.provisioned(f) >= need, f + " below " + s.name() + "'s need");
                    assertTrue(d.provisioned(f) >= c.current().provisioned(f), f + " below the current setting");
                });
            }
        }
        // warm throughput is never lowered, in or out of a surge
        c.current().warm().forEach((target, u) -> assertTrue(d.warm(target).covers(u), target.toString()));
    }

    @Property(tries = 300)
    void alwaysRestoresAfterTheLastSurgeEnds(@ForAll("cases") Case c, @ForAll @IntRange(min = 0, max = 24 * 60) int after) {
        PreScalingPlan.Plan plan = planner.plan(c.surges(), c.current(), c.resting());
        CapacitySettings d = plan.desiredAt(lastEnd(c.surges()).plus(Duration.ofMinutes(after)));
        for (String f : FUNCTIONS) {
            assertEquals(c.resting().getOrDefault(f, 0), d.provisioned(f), f);
        }
        assertEquals(c.current().warm(), d.warm(), "after every surge warm throughput is left as it was set");
        // the timeline ends at rest: every function's last change is to its resting figure
        Map<String, Integer> last = new TreeMap<>();
        for (PreScalingAction a : plan.timeline()) {
            if (a instanceof PreScalingAction.SetProvisionedConcurrency p) {
                last.put(p.functionId(), p.executions());
            }
        }
        last.forEach((f, n) -> assertEquals(c.resting().getOrDefault(f, 0), n, f));
    }

    @Property(tries = 300)
    void overlappingSurgesTakeTheMaxAndRestoreOnlyAfterTheLast(@ForAll("cases") Case c) {
        PreScalingPlan.Plan plan = planner.plan(c.surges(), c.current(), c.resting());
        for (PreScalingAction a : plan.timeline()) {
            if (a instanceof PreScalingAction.SetProvisionedConcurrency p) {
                List<PlannedSurge> open = c.surges().stream().filter(s -> concurrencyOpen(s, p.at())).toList();
                if (p.restore()) {
                    assertTrue(open.isEmpty(), "restore of " + p.functionId() + " at " + p.at() + " while a surge is open");
                } else {
                    int max = c.current().provisioned(p.functionId());
                    for (PlannedSurge s : open) {
                        max = Math.max(max, plan.needs(s).provisioned().getOrDefault(p.functionId(), 0));
                    }
                    assertEquals(max, p.executions(), p.toString());
                }
            }
        }
    }

    @Property(tries = 300)
    void idempotentWhenReRun(@ForAll("cases") Case c, @ForAll @IntRange(min = -30 * 60, max = 80 * 60) int minute) {
        Instant now = T0.plus(Duration.ofMinutes(minute));
        PreScalingPlan.Plan first = planner.plan(c.surges(), c.current(), c.resting());
        CapacitySettings applied = c.current();
        for (PreScalingAction a : first.dueAt(now)) {
            applied = applied.apply(a);
        }
        List<PreScalingAction> again = planner.plan(c.surges(), applied, c.resting()).dueAt(now);
        assertEquals(List.of(), again);
        // and the later run wants the same as the first
        CapacitySettings want = first.desiredAt(now);
        for (String f : FUNCTIONS) {
            assertEquals(want.provisioned(f), applied.provisioned(f), f);
        }
        List<PreScalingAction> changes = new ArrayList<>(first.dueAt(now));
        changes.forEach(a -> assertEquals(now, a.at()));
    }
}
