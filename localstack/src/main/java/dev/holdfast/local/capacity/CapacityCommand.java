package dev.holdfast.local.capacity;

import dev.holdfast.domain.capacity.AwsLimits;
import dev.holdfast.domain.capacity.RequestCosts;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import static dev.holdfast.local.capacity.CapacityModel.fmt;

/**
 * {@code ./localstack/capacity [options]}: prints what the deployed signup-surge design sustains and
 * what a staged rollout does to it (see {@code docs/capacity.md}).
 */
public final class CapacityCommand {
    static final String USAGE = """
            usage: ./localstack/capacity plan ... (the pre-scaling plan for one surge; plan --help)
                   ./localstack/capacity [--members 900000] [--cohorts 10] [--cohort-gap-minutes 15]
                     [--arrival-seconds 300] [--verifications-per-second 100] [--signup-share 1.0]
                     [--poll-seconds N (default: the design's ETA/10, 1-30 s)] [--signup-poll-seconds 3]
                     [--api-ms 20] [--worker-ms 1000] [--table-wcu 4000] [--table-rcu 12000]
                     [--api-gateway-rps 10000] [--lambda-concurrency 1000] [--stripe-partitions 8]
                     [--sqs-high-throughput]""";

    private CapacityCommand() {}

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        if (args.length > 0 && args[0].equals("plan")) {
            try {
                dev.holdfast.domain.capacity.PlannedSurge surge = PlanCommand.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
                if (surge == null) {
                    System.out.println(PlanCommand.USAGE);
                    return;
                }
                PlanCommand.report(surge, System.out);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.err.println(PlanCommand.USAGE);
                System.exit(2);
            }
            return;
        }
        try {
            Parsed p = parse(args);
            if (p == null) {
                System.out.println(USAGE);
                return;
            }
            report(new CapacityModel(p.limits, p.costs), p.scenario, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    record Parsed(Scenario scenario, AwsLimits limits, RequestCosts costs) {}

    /** The options over the defaults (the city's surge, AWS's published limits, the design's costs); null for --help. */
    static Parsed parse(String[] args) {
        Scenario d = Scenario.cityDefaults();
        long members = d.members();
        int cohorts = d.cohorts();
        long gap = d.cohortGapSeconds();
        long arrival = d.arrivalSeconds();
        double v = d.verificationsPerSecond();
        double share = d.signupShare();
        Polling polling = d.polling();
        double signupPoll = d.signupPollSeconds();
        double apiMs = d.apiMillis();
        double workerMs = d.workerMillis();
        boolean ht = d.sqsHighThroughput();
        AwsLimits limits = AwsLimits.published();
        double wcu = limits.tableWcu();
        double rcu = limits.tableRcu();
        double apiRps = limits.apiGatewayRps();
        double lambda = limits.lambdaConcurrency();
        RequestCosts costs = RequestCosts.design();
        int stripePartitions = costs.stripePartitions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (a.equals("--sqs-high-throughput")) {
                ht = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a);
            }
            String value = args[++i];
            try {
                switch (a) {
                    case "--members" -> members = Long.parseLong(value);
                    case "--cohorts" -> cohorts = Integer.parseInt(value);
                    case "--cohort-gap-minutes" -> gap = Math.round(Double.parseDouble(value) * 60);
                    case "--arrival-seconds" -> arrival = Long.parseLong(value);
                    case "--verifications-per-second" -> v = Double.parseDouble(value);
                    case "--signup-share" -> share = Double.parseDouble(value);
                    case "--poll-seconds" -> polling = Polling.every(Double.parseDouble(value));
                    case "--signup-poll-seconds" -> signupPoll = Double.parseDouble(value);
                    case "--api-ms" -> apiMs = Double.parseDouble(value);
                    case "--worker-ms" -> workerMs = Double.parseDouble(value);
                    case "--table-wcu" -> wcu = Double.parseDouble(value);
                    case "--table-rcu" -> rcu = Double.parseDouble(value);
                    case "--api-gateway-rps" -> apiRps = Double.parseDouble(value);
                    case "--lambda-concurrency" -> lambda = Double.parseDouble(value);
                    case "--stripe-partitions" -> stripePartitions = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number for " + a + ": " + value);
            }
        }
        if (!(wcu > 0) || !(rcu > 0) || !(apiRps > 0) || !(lambda > 0)) {
            throw new IllegalArgumentException("table units, API Gateway rate and Lambda concurrency must be positive");
        }
        Scenario s = new Scenario(members, cohorts, gap, arrival, v, share, polling, signupPoll, apiMs, workerMs, ht);
        return new Parsed(s, limits.withTable(wcu, rcu).withApiGatewayRps(apiRps).withLambdaConcurrency(lambda),
                costs.withStripePartitions(stripePartitions));
    }

    static void report(CapacityModel model, Scenario s, PrintStream out) {
        RequestCosts c = model.costs();
        AwsLimits l = model.limits();
        out.println("Holdfast signup surge: capacity of the deployed design (AWS published limits × this design's costs)");
        out.println();
        out.printf("Scenario: %s members in %d cohorts of ~%s, opened %s apart, each arriving over %s;%n",
                fmt(s.members()), s.cohorts(), fmt(s.cohortSize(0)), duration(s.cohortGapSeconds()), duration(s.arrivalSeconds()));
        out.printf("  verifier %s/s, %s%% sign up, page polls %s (signup status every %s s), API %s ms, worker %s ms per signup%n",
                fmt(s.verificationsPerSecond()), fmt(s.signupShare() * 100), CapacityModel.pollingText(s.polling()), fmt(s.signupPollSeconds()),
                fmt(s.apiMillis()), fmt(s.workerMillis()));
        out.printf("Limits: API Gateway %s req/s; Lambda %s concurrent (+%s per 10 s per function); table %s WCU/s, %s RCU/s;%n",
                fmt(l.apiGatewayRps()), fmt(l.lambdaConcurrency()), fmt(l.lambdaScalePerTenSeconds()), fmt(l.tableWcu()), fmt(l.tableRcu()));
        out.printf("  partition %s WCU/s, %s RCU/s; SQS FIFO %s calls/s per action%s, %s per message group%n",
                fmt(l.partitionWcu()), fmt(l.partitionRcu()),
                fmt(s.sqsHighThroughput() ? l.fifoHighThroughputCalls() : l.fifoCallsPerAction()),
                s.sqsHighThroughput() ? " (high-throughput mode)" : "", fmt(l.fifoPerGroup()));
        out.printf("Costs: enter %s WCU (%d round trips, 1 of %d stripes on %d partition(s)); poll %s RCU; signup %s WCU + %s SQS send;%n"
                        + "  worker %s WCU + %s verifier call;",
                fmt(c.enterWcu()), c.enterRoundTrips(), c.positionStripes(), c.stripePartitions(), fmt(c.pollRcu()), fmt(c.signupWcu()),
                fmt(c.signupSends()), fmt(c.workerWcu()), fmt(c.workerVerifierCalls()));
        out.printf(" admitter %s reads + %s write per open cohort per second%n",
                fmt(c.admitterReadsPerCohort()), fmt(c.admitterWritesPerCohort()));
        out.println();
        printBounds(out, "Enters per second the design sustains (one cohort open)", model.enterBounds(s, 1));
        printBounds(out, "Signups per second the design sustains", model.signupBounds(s));

        Surge r = model.surge(s);
        out.println("The rollout, second by second (admission paced at " + fmt(r.admissionPace().perSecond()) + "/s: "
                + r.admissionPace().what() + ")");
        out.printf("  peak enters            %12s /s%n", fmt(Math.round(r.peakEnters())));
        out.printf("  peak people waiting    %12s%n", fmt(r.peakWaiting()));
        out.printf("  peak ticket polls      %12s /s%n", fmt(Math.round(r.peakPolls())));
        out.printf("  peak API requests      %12s /s   (limit %s)%n", fmt(Math.round(r.peakApiRps())), fmt(l.apiGatewayRps()));
        out.printf("  peak write units       %12s /s   (table %s)%n", fmt(Math.round(r.peakWcu())), fmt(l.tableWcu()));
        out.printf("  peak read units        %12s /s   (table %s)%n", fmt(Math.round(r.peakRcu())), fmt(l.tableRcu()));
        out.printf("  peak busiest stripe    %12s WCU/s (partition %s)%n", fmt(Math.round(r.peakStripeWcu())), fmt(l.partitionWcu()));
        out.printf("  peak Lambda concurrency%12s      (limit %s)%n", fmt(Math.ceil(r.peakConcurrency())), fmt(l.lambdaConcurrency()));
        out.printf("  peak SQS sends         %12s /s%n", fmt(Math.round(r.peakSqsSends())));
        out.printf("  peak verifier backlog  %12s signups%n", fmt(r.peakSignupBacklog()));
        out.printf("  last cohort opens after %s; everyone signed up after %s%n",
                duration(r.lastOpeningSeconds()), duration(r.finishSeconds()));
        out.println();
        out.println("Peak load against each limit:");
        for (Surge.Load load : model.loads(r, s)) {
            out.printf("  %-36s %5s%%  (%s of %s)%n", load.limit(), fmt(Math.round(load.share() * 100)),
                    fmt(Math.round(load.peak())), fmt(load.allowed()));
        }
        if (r.breaches().isEmpty()) {
            Surge.Load nearest = model.loads(r, s).get(0);
            long most = model.largestRolloutWithinLimits(s);
            out.printf("Breaks first: nothing at this size; every limit holds. Nearest: %s at %s%% of its limit;%n"
                            + "  the same rollout shape stays within every limit up to ~%s members (%s per cohort).%n",
                    nearest.limit(), fmt(Math.round(nearest.share() * 100)), fmt(most), fmt(most / s.cohorts()));
        } else {
            Surge.Breach first = r.breaches().get(0);
            out.printf("Breaks first: %s, %s after the first opening (%s against %s; %s)%n", first.limit(),
                    duration(first.firstAtSecond()), fmt(Math.round(first.peak())), fmt(first.allowed()), first.cause());
            for (Surge.Breach b : r.breaches().subList(1, r.breaches().size())) {
                out.printf("  then:   %s, after %s (%s against %s; %s)%n", b.limit(), duration(b.firstAtSecond()),
                        fmt(Math.round(b.peak())), fmt(b.allowed()), b.cause());
            }
        }
        if (r.peakWaiting() == 0) {
            out.println("Polling: nobody waits; admission keeps up with arrivals.");
        } else if (Double.isFinite(r.safePollSeconds())) {
            out.printf("Polling: a fixed interval would need >= %s s to keep API Gateway under %s req/s at every second"
                    + " (the design's ETA/10 rule peaks at %s polls/s here).%n",
                    fmt(Math.ceil(r.safePollSeconds())), fmt(l.apiGatewayRps()), fmt(Math.round(r.peakPolls())));
        } else {
            out.println("Polling: no poll interval fits; enters and signups alone exceed API Gateway's limit.");
        }
        double drain = s.cohortSize(0) / r.admissionPace().perSecond();
        out.printf("Cohort gap: a cohort of %s drains in %s at %s/s; opening cohorts at least that far apart keeps the queue"
                + " from carrying over (now %s).%n", fmt(s.cohortSize(0)), duration((long) Math.ceil(drain)),
                fmt(r.admissionPace().perSecond()), duration(s.cohortGapSeconds()));
        out.println("Time until everyone has signed up: " + duration(r.finishSeconds()) + " (binding: "
                + r.admissionPace().what() + ", " + fmt(r.admissionPace().perSecond()) + "/s).");
    }

    private static void printBounds(PrintStream out, String title, List<Bound> bounds) {
        out.println(title + ": " + fmt(Math.floor(bounds.get(0).perSecond())) + "/s, bound by " + bounds.get(0).what());
        for (Bound b : bounds) {
            out.printf("  %-36s %12s /s   %s%n", b.what(), fmt(Math.floor(b.perSecond())), b.arithmetic());
        }
        out.println();
    }

    static String duration(long seconds) {
        long h = seconds / 3600, m = seconds % 3600 / 60, sec = seconds % 60;
        if (h > 0) {
            return h + " h " + String.format("%02d", m) + " min";
        }
        if (m > 0) {
            return m + " min" + (sec > 0 ? " " + sec + " s" : "");
        }
        return sec + " s";
    }
}
