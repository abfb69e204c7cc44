package dev.holdfast.local.capacity;

import dev.holdfast.domain.capacity.CapacitySettings;
import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.domain.capacity.PathCosts;
import dev.holdfast.domain.capacity.PlannedSurge;
import dev.holdfast.domain.capacity.PreScalingAction;
import dev.holdfast.domain.capacity.PreScalingPlan;
import dev.holdfast.domain.capacity.WarmTarget;
import dev.holdfast.domain.capacity.WarmUnits;
import dev.holdfast.resources.Bulkheads;

import dev.holdfast.local.Cli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.List;
import java.util.Map;

import static dev.holdfast.local.capacity.CapacityModel.fmt;

/**
 * {@code ./localstack/capacity plan [options]}: the pre-scaling plan the preparer would carry out for
 * one surge, from a new account's settings (on-demand tables at 12,000/4,000 warm units, no
 * provisioned concurrency), and the bulkheads it works within.
 */
public final class PlanCommand {
    private PlanCommand() {}

    /** An ISO-8601 instant, refused in one plain line (picocli's own message names the Java exception). */
    static final class Instants implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String v) {
            try {
                return Instant.parse(v);
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not an instant such as 2026-12-20T09:00:00Z");
            }
        }
    }

    /** {@code capacity plan}'s options: the surge to plan for. */
    @Command(name = "plan", mixinStandardHelpOptions = true, version = Cli.VERSION, sortOptions = false, usageHelpAutoWidth = true,
            showDefaultValues = true,
            description = "The pre-scaling plan the preparer would carry out for one surge, and the bulkheads it works within.")
    static final class Arguments implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        CapacityCommand.Arguments parent;

        @Option(names = "--starts-at", required = true, paramLabel = "INSTANT", converter = Instants.class,
                description = "when the surge starts, e.g. 2026-12-20T09:00:00Z")
        Instant startsAt;
        @Option(names = "--ends-at", required = true, paramLabel = "INSTANT", converter = Instants.class, description = "when it ends")
        Instant endsAt;
        @Option(names = "--orders-per-second", paramLabel = "N", description = "expected peak of orders")
        long ordersPerSecond;
        @Option(names = "--enters-per-second", paramLabel = "N", description = "expected peak of waiting-room enters")
        long entersPerSecond;
        @Option(names = "--withdrawals-per-second", paramLabel = "N", description = "expected peak of withdrawals")
        long withdrawalsPerSecond;
        @Option(names = "--name", paramLabel = "TEXT", description = "the surge's name")
        String name = "surge";
        @Option(names = "--kind", paramLabel = "KIND", description = "BROADCAST, LISTING, COHORT, RECHARGE or OTHER")
        String kind = "BROADCAST";

        PlannedSurge surge() {
            try {
                return new PlannedSurge(name, kind, startsAt, endsAt,
                        new ExpectedPeak(ordersPerSecond, entersPerSecond, withdrawalsPerSecond));
            } catch (IllegalArgumentException e) {
                throw Cli.bad(spec, e.getMessage());
            }
        }

        @Override
        public Integer call() {
            report(surge(), parent.out);
            return 0;
        }
    }

    static void report(PlannedSurge s, PrintStream out) {
        PathCosts costs = PathCosts.design();
        PreScalingPlan planner = new PreScalingPlan(costs);
        CapacitySettings current = CapacitySettings.none();
        PreScalingPlan.Plan plan = planner.plan(List.of(s), current, Map.of());
        PreScalingPlan.Needs needs = plan.needs(s);
        ExpectedPeak p = s.peak();
        out.printf("Pre-scaling plan for %s (%s), %s to %s: %s orders/s, %s enters/s, %s withdrawals/s%n",
                s.name(), s.kind(), s.startsAt(), s.endsAt(), fmt(p.ordersPerSecond()), fmt(p.entersPerSecond()),
                fmt(p.withdrawalsPerSecond()));
        out.printf("From a new account: on-demand tables at %s reads/s, %s writes/s warm; no provisioned concurrency.%n",
                fmt(CapacitySettings.NEW_ON_DEMAND.readUnitsPerSecond()), fmt(CapacitySettings.NEW_ON_DEMAND.writeUnitsPerSecond()));
        out.printf("Needs at the peak (units per request × rate × %d%%; provisioned concurrency capped at reserved):%n",
                PreScalingPlan.HEADROOM_PERCENT);
        for (Map.Entry<WarmTarget, WarmUnits> e : needs.warm().entrySet()) {
            WarmUnits u = e.getValue();
            boolean covered = current.warm(e.getKey()).covers(u);
            out.printf("  warm %-24s %10s reads/s %10s writes/s%s%n", e.getKey(), fmt(u.readUnitsPerSecond()),
                    fmt(u.writeUnitsPerSecond()), covered ? "   (a new table already serves it)" : "");
        }
        Map<String, Double> rps = costs.requestsPerSecond(p);
        for (Map.Entry<String, Integer> e : needs.provisioned().entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            out.printf("  provisioned %-17s %10s executions (%s requests/s × %s ms; reserved %s)%n", e.getKey(),
                    fmt(e.getValue()), fmt(Math.round(rps.get(e.getKey()))),
                    fmt(Math.round(costs.secondsPerRequest().get(e.getKey()) * 1000)), fmt(costs.concurrencyCaps().get(e.getKey())));
        }
        needs.beyondQuota().forEach((t, u) -> out.printf(
                "  WARNING %s needs %s reads/s, %s writes/s: above the per-table quota of %s; planned at the quota, raise it first%n",
                t, fmt(u.readUnitsPerSecond()), fmt(u.writeUnitsPerSecond()), fmt(PreScalingPlan.TABLE_UNITS_QUOTA)));
        Bulkheads.Sizing b = Bulkheads.defaults();
        Map<String, Long> routeRates = Map.of("POST /orders", p.ordersPerSecond(), "POST /waiting-room/enter", p.entersPerSecond(),
                "POST /wallet/withdrawals", p.withdrawalsPerSecond());
        routeRates.forEach((route, rate) -> {
            int limit = b.routes().get(route).ratePerSecond();
            if (rate > limit) {
                out.printf("  WARNING %s/s on %s is above its bulkhead throttle of %s/s: the gateway answers 429 above it"
                        + " (resize Bulkheads and the account quotas for this surge)%n", fmt(rate), route, fmt(limit));
            }
        });
        out.println();
        out.println("Timeline (what the preparer does; it runs every 5 minutes, so each step lands within 5 minutes after its time):");
        List<PreScalingAction> timeline = plan.timeline();
        if (timeline.isEmpty()) {
            out.println("  nothing to change");
        }
        for (PreScalingAction a : timeline) {
            if (a instanceof PreScalingAction.SetWarmThroughput w) {
                out.printf("  %s  UpdateTable %-20s warm throughput %s/%s -> %s reads/s, %s writes/s%n", a.at(), w.target(),
                        fmt(w.from().readUnitsPerSecond()), fmt(w.from().writeUnitsPerSecond()),
                        fmt(w.units().readUnitsPerSecond()), fmt(w.units().writeUnitsPerSecond()));
            } else {
                PreScalingAction.SetProvisionedConcurrency c = (PreScalingAction.SetProvisionedConcurrency) a;
                out.printf("  %s  %s %-13s:live provisioned concurrency %s -> %s%s%n", a.at(),
                        c.executions() == 0 ? "DeleteProvisionedConcurrencyConfig" : "PutProvisionedConcurrencyConfig   ",
                        c.functionId(), fmt(c.from()), fmt(c.executions()), c.restore() ? "   (restore)" : "");
            }
        }
        out.println("  warm throughput stays raised after the surge: DynamoDB cannot lower it, and on-demand tables pay for it once.");
        out.println();
        bulkheads(out, b);
    }

    static void bulkheads(PrintStream out, Bulkheads.Sizing b) {
        out.printf("Bulkheads (account: %s concurrent executions, %s API requests/s):%n",
                fmt(b.accountConcurrency()), fmt(b.accountApiRps()));
        for (Map.Entry<dev.holdfast.resources.FunctionDef, Integer> e : b.reserved().entrySet()) {
            out.printf("  %-18s %-9s reserved %4d%n", e.getKey().id(), b.lanes().get(e.getKey()), e.getValue());
        }
        out.printf("  unreserved (every other function) %d%n", b.unreserved());
        b.routes().forEach((k, t) -> out.printf("  route %-40s %6s/s burst %s%n", k, fmt(t.ratePerSecond()), fmt(t.burst())));
        out.printf("  routes of the protected lanes %s/s, of the surge lanes %s/s%n",
                fmt(b.routeRate(Bulkheads.Lane.PROTECTED)), fmt(b.routeRate(Bulkheads.Lane.SURGE)));
    }
}
