package dev.holdfast.domain.capacity;

import dev.holdfast.resources.Bulkheads;
import dev.holdfast.domain.surge.ExpectedPeak;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pre-scaling from the surge calendar: what to set, and when, so that the tables and the order,
 * waiting-room and status functions are warm when a surge starts, and back to rest after it. Pure: the
 * preparer reads the calendar and the current settings, asks {@link #dueAt} what to change now and
 * makes those calls.
 *
 * <ul>
 *   <li><b>Warm throughput</b> (tables and indexes a surge's traffic hits): its peak × the
 *       {@link PathCosts} × {@value #HEADROOM_PERCENT}%, from {@link #WARM_LEAD} before it starts.
 *       Only ever raised: DynamoDB cannot lower warm throughput, and an on-demand table pays for it
 *       once, so "restoring" it is leaving it.</li>
 *   <li><b>Provisioned concurrency</b> (the {@code live} aliases of {@link PathCosts#PROVISIONED}):
 *       requests per second × seconds per request × {@value #HEADROOM_PERCENT}%, capped at the
 *       function's reserved concurrency, from {@link #CONCURRENCY_LEAD} before it starts until it
 *       ends; then back to the resting setting (provisioned concurrency is billed by the hour).</li>
 *   <li>Never below what is set now while a surge window is open; overlapping surges take the larger
 *       figure of each, and the restore comes only after the last of them has ended.</li>
 * </ul>
 */
public final class PreScalingPlan {
    /** Warm throughput is raised this long before a surge (the capacity model: pre-warm a day ahead). */
    public static final Duration WARM_LEAD = Duration.ofHours(24);
    /** Provisioned concurrency is set this long before a surge (allocation takes minutes). */
    public static final Duration CONCURRENCY_LEAD = Duration.ofMinutes(15);
    /** The bulkheads' headroom ({@link Bulkheads#HEADROOM_PERCENT}): one margin for reservations and pre-scaling. */
    public static final int HEADROOM_PERCENT = Bulkheads.HEADROOM_PERCENT;
    /**
     * Read and write units per second an on-demand table (and each index) may reach, AWS's default
     * per-table quota (raisable through Service Quotas); warm throughput above it is refused.
     */
    public static final long TABLE_UNITS_QUOTA = 40_000;

    private final PathCosts costs;

    public PreScalingPlan(PathCosts costs) {
        this.costs = costs;
    }

    /**
     * What one surge needs at its peak; {@code beyondQuota} names the targets whose need is above
     * {@link #TABLE_UNITS_QUOTA} (their warm throughput is planned at the quota: raise the quota first).
     */
    public record Needs(Map<WarmTarget, WarmUnits> warm, Map<String, Integer> provisioned,
                        Map<WarmTarget, WarmUnits> beyondQuota) {
        public Needs {
            warm = Collections.unmodifiableMap(new TreeMap<>(warm));
            provisioned = Collections.unmodifiableMap(new TreeMap<>(provisioned));
            beyondQuota = Collections.unmodifiableMap(new TreeMap<>(beyondQuota));
        }
    }

    public Needs needs(ExpectedPeak peak) {
        Map<WarmTarget, double[]> units = new TreeMap<>();
        add(units, costs.perOrder(), peak.ordersPerSecond());
        add(units, costs.perEnter(), peak.entersPerSecond());
        add(units, costs.perWithdrawal(), peak.withdrawalsPerSecond());
        Map<WarmTarget, WarmUnits> warm = new TreeMap<>();
        Map<WarmTarget, WarmUnits> beyond = new TreeMap<>();
        units.forEach((t, u) -> {
            if (u[0] > 0 || u[1] > 0) {
                WarmUnits need = new WarmUnits(withHeadroom(u[0]), withHeadroom(u[1]));
                if (need.readUnitsPerSecond() > TABLE_UNITS_QUOTA || need.writeUnitsPerSecond() > TABLE_UNITS_QUOTA) {
                    beyond.put(t, need);
                }
                warm.put(t, new WarmUnits(Math.min(need.readUnitsPerSecond(), TABLE_UNITS_QUOTA),
                        Math.min(need.writeUnitsPerSecond(), TABLE_UNITS_QUOTA)));
            }
        });
        Map<String, Integer> provisioned = new TreeMap<>();
        costs.requestsPerSecond(peak).forEach((f, rps) -> {
            long n = withHeadroom(rps * costs.secondsPerRequest().get(f));
            provisioned.put(f, (int) Math.min(n, costs.concurrencyCaps().get(f)));
        });
        return new Needs(warm, provisioned, beyond);
    }

    private static void add(Map<WarmTarget, double[]> units, Map<WarmTarget, PathCosts.RequestUnits> per, double rate) {
        per.forEach((t, u) -> {
            double[] sum = units.computeIfAbsent(t, k -> new double[2]);
            sum[0] += u.reads() * rate;
            sum[1] += u.writes() * rate;
        });
    }

    private static long withHeadroom(double v) {
        return Bulkheads.withHeadroom(v);
    }

    /**
     * The plan for {@code surges} from the settings in place now.
     *
     * @param current what is set now
     * @param resting provisioned concurrency per function outside every surge window (absent: none)
     */
    public Plan plan(List<PlannedSurge> surges, CapacitySettings current, Map<String, Integer> resting) {
        List<Window> windows = new ArrayList<>();
        for (PlannedSurge s : surges) {
            windows.add(new Window(s, needs(s.peak())));
        }
        return new Plan(List.copyOf(windows), current, Map.copyOf(resting));
    }

    record Window(PlannedSurge surge, Needs needs) {
        boolean warmOpenAt(Instant t) {
            return !t.isBefore(surge.startsAt().minus(WARM_LEAD)) && t.isBefore(surge.endsAt());
        }

        boolean concurrencyOpenAt(Instant t) {
            return !t.isBefore(surge.startsAt().minus(CONCURRENCY_LEAD)) && t.isBefore(surge.endsAt());
        }
    }

    /** The surges with their needs, from one set of current settings. */
    public static final class Plan {
        private final List<Window> windows;
        private final CapacitySettings current;
        private final Map<String, Integer> resting;

        Plan(List<Window> windows, CapacitySettings current, Map<String, Integer> resting) {
            this.windows = windows;
            this.current = current;
            this.resting = resting;
        }

        /** What one surge needs. */
        public Needs needs(PlannedSurge s) {
            return windows.stream().filter(w -> w.surge().equals(s)).findFirst().orElseThrow().needs();
        }

        /** What should be set at {@code t}. */
        public CapacitySettings desiredAt(Instant t) {
            CapacitySettings d = current;
            for (WarmTarget target : warmTargets()) {
                WarmUnits u = current.warm(target);
                for (Window w : windows) {
                    if (w.warmOpenAt(t) && w.needs().warm().containsKey(target)) {
                        u = u.max(w.needs().warm().get(target));
                    }
                }
                if (!u.equals(current.warm(target))) {
                    d = d.withWarm(target, u);
                }
            }
            for (String f : functions()) {
                boolean open = false;
                int n = current.provisioned(f);
                for (Window w : windows) {
                    if (w.concurrencyOpenAt(t) && w.needs().provisioned().containsKey(f)) {
                        open = true;
                        n = Math.max(n, w.needs().provisioned().get(f));
                    }
                }
                d = d.withProvisioned(f, open ? n : resting.getOrDefault(f, 0));
            }
            return d;
        }

        /** The surges whose windows are open at {@code t}. */
        public List<String> surgesAt(Instant t) {
            return windows.stream().filter(w -> w.warmOpenAt(t) || w.concurrencyOpenAt(t)).map(w -> w.surge().name()).toList();
        }

        /** The changes that make the current settings what they should be at {@code now}: what a run of the preparer does. */
        public List<PreScalingAction> dueAt(Instant now) {
            return changes(now, current, desiredAt(now));
        }

        /** Every change from now on, in time order: the plan as a timeline (what {@code ./localstack/capacity plan} prints). */
        public List<PreScalingAction> timeline() {
            Set<Instant> boundaries = new TreeSet<>();
            for (Window w : windows) {
                boundaries.add(w.surge().startsAt().minus(WARM_LEAD));
                boundaries.add(w.surge().startsAt().minus(CONCURRENCY_LEAD));
                boundaries.add(w.surge().endsAt());
            }
            List<PreScalingAction> out = new ArrayList<>();
            CapacitySettings prev = current;
            for (Instant b : boundaries) {
                CapacitySettings next = desiredAt(b);
                out.addAll(changes(b, prev, next));
                prev = next;
            }
            return out;
        }

        private List<PreScalingAction> changes(Instant at, CapacitySettings from, CapacitySettings to) {
            List<String> names = surgesAt(at);
            boolean restore = windows.stream().noneMatch(w -> w.concurrencyOpenAt(at));
            List<PreScalingAction> out = new ArrayList<>();
            for (WarmTarget t : warmTargets()) {
                if (!from.warm(t).covers(to.warm(t))) {
                    out.add(new PreScalingAction.SetWarmThroughput(at, t, from.warm(t), from.warm(t).max(to.warm(t)), names));
                }
            }
            for (String f : functions()) {
                if (from.provisioned(f) != to.provisioned(f)) {
                    out.add(new PreScalingAction.SetProvisionedConcurrency(at, f, from.provisioned(f), to.provisioned(f),
                            restore ? List.of() : names));
                }
            }
            return out;
        }

        private Set<WarmTarget> warmTargets() {
            Set<WarmTarget> s = new TreeSet<>(current.warm().keySet());
            windows.forEach(w -> s.addAll(w.needs().warm().keySet()));
            return s;
        }

        private Set<String> functions() {
            Set<String> s = new TreeSet<>(current.provisioned().keySet());
            s.addAll(resting.keySet());
            windows.forEach(w -> s.addAll(w.needs().provisioned().keySet()));
            return s;
        }
    }
}
