package dev.holdfast.local.capacity;

import dev.holdfast.domain.capacity.AwsLimits;
import dev.holdfast.domain.capacity.RequestCosts;
import dev.holdfast.local.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static dev.holdfast.local.capacity.CapacityModel.fmt;

/**
 * {@code ./localstack/capacity [options]}: prints what the deployed signup-surge design sustains and
 * what a staged rollout does to it (see {@code docs/capacity.md}).
 */
public final class CapacityCommand {
    private CapacityCommand() {}

    /** The options, each defaulting to the city's surge, AWS's published limits and the design's costs. */
    @Command(name = "localstack/capacity", mixinStandardHelpOptions = true, version = Cli.VERSION, sortOptions = false, usageHelpAutoWidth = true,
            showDefaultValues = true, subcommands = PlanCommand.Arguments.class,
            description = "What the deployed signup-surge design sustains and what a staged rollout does to it "
                    + "(docs/capacity.md explains the figures).")
    static final class Arguments implements Callable<Integer> {
        private static final Scenario D = Scenario.cityDefaults();
        private static final AwsLimits L = AwsLimits.published();

        @Spec
        CommandSpec spec;
        /** Where the report goes ({@link #execute}). */
        PrintStream out = System.out;

        @Option(names = "--members", paramLabel = "N", description = "members invited in all")
        long members = D.members();
        @Option(names = "--cohorts", paramLabel = "N", description = "cohorts the rollout opens")
        int cohorts = D.cohorts();
        @Option(names = "--cohort-gap-minutes", paramLabel = "MIN", description = "minutes between two cohorts' openings")
        double cohortGapMinutes = D.cohortGapSeconds() / 60.0;
        @Option(names = "--arrival-seconds", paramLabel = "S", description = "seconds over which a cohort arrives")
        long arrivalSeconds = D.arrivalSeconds();
        @Option(names = "--verifications-per-second", paramLabel = "R", description = "the identity verifier's rate")
        double verificationsPerSecond = D.verificationsPerSecond();
        @Option(names = "--signup-share", paramLabel = "F", description = "share of those admitted who sign up")
        double signupShare = D.signupShare();
        @Option(names = "--poll-seconds", paramLabel = "S", description = "a fixed ticket poll interval "
                + "(default: the design's ETA/10, 1-30 s)")
        Double pollSeconds;
        @Option(names = "--signup-poll-seconds", paramLabel = "S", description = "signup status poll interval")
        double signupPollSeconds = D.signupPollSeconds();
        @Option(names = "--api-ms", paramLabel = "MS", description = "API function time per request")
        double apiMillis = D.apiMillis();
        @Option(names = "--worker-ms", paramLabel = "MS", description = "signup worker time per signup")
        double workerMillis = D.workerMillis();
        @Option(names = "--table-wcu", paramLabel = "WCU", description = "table write units per second")
        double tableWcu = L.tableWcu();
        @Option(names = "--table-rcu", paramLabel = "RCU", description = "table read units per second")
        double tableRcu = L.tableRcu();
        @Option(names = "--api-gateway-rps", paramLabel = "R", description = "API Gateway requests per second")
        double apiGatewayRps = L.apiGatewayRps();
        @Option(names = "--lambda-concurrency", paramLabel = "N", description = "Lambda concurrent executions")
        double lambdaConcurrency = L.lambdaConcurrency();
        @Option(names = "--stripe-partitions", paramLabel = "N", description = "partitions the position stripes spread over")
        int stripePartitions = RequestCosts.design().stripePartitions();
        @Option(names = "--sqs-high-throughput", description = "SQS FIFO high-throughput mode")
        boolean sqsHighThroughput = D.sqsHighThroughput();

        /** The scenario, limits and costs these options describe; a value the model refuses is a bad argument. */
        Parsed parsed() {
            if (!(tableWcu > 0) || !(tableRcu > 0) || !(apiGatewayRps > 0) || !(lambdaConcurrency > 0)) {
                throw Cli.bad(spec, "table units, API Gateway rate and Lambda concurrency must be positive");
            }
            try {
                Polling polling = pollSeconds == null ? D.polling() : Polling.every(pollSeconds);
                Scenario s = new Scenario(members, cohorts, Math.round(cohortGapMinutes * 60), arrivalSeconds, verificationsPerSecond,
                        signupShare, polling, signupPollSeconds, apiMillis, workerMillis, sqsHighThroughput);
                return new Parsed(s, L.withTable(tableWcu, tableRcu).withApiGatewayRps(apiGatewayRps)
                        .withLambdaConcurrency(lambdaConcurrency), RequestCosts.design().withStripePartitions(stripePartitions));
            } catch (IllegalArgumentException e) {
                throw Cli.bad(spec, e.getMessage());
            }
        }

        @Override
        public Integer call() {
            Parsed p = parsed();
            report(new CapacityModel(p.limits, p.costs), p.scenario, out);
            return 0;
        }
    }

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        System.exit(execute(args, System.out, System.err));
    }

    /** Parses {@code args} and prints the report; the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        Arguments a = new Arguments();
        a.out = out;
        return Cli.execute(a, args, out, err);
    }

    record Parsed(Scenario scenario, AwsLimits limits, RequestCosts costs) {}

    /** The options over the defaults; null for --help; an IllegalArgumentException for a bad one. */
    static Parsed parse(String[] args) {
        Arguments a = Cli.parse(new Arguments(), args);
        if (a.spec.commandLine().isUsageHelpRequested()) {
            return null;
        }
        try {
            return a.parsed();
        } catch (picocli.CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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
