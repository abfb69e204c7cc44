package dev.holdfast.local.capacity;

import dev.holdfast.domain.capacity.AwsLimits;
import dev.holdfast.domain.capacity.RequestCosts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capacity of the deployed signup-surge design, from AWS's published limits and the design's
 * cost per request: the enters and signups per second it sustains (and which limit binds), and a
 * second-by-second run of a staged rollout. Pure arithmetic; no AWS call.
 */
public final class CapacityModel {
    /** Stops a run that would never finish (30 days). */
    static final long MAX_SECONDS = 30L * 24 * 3600;

    private final AwsLimits limits;
    private final RequestCosts costs;

    public CapacityModel(AwsLimits limits, RequestCosts costs) {
        this.limits = limits;
        this.costs = costs;
    }

    public AwsLimits limits() {
        return limits;
    }

    public RequestCosts costs() {
        return costs;
    }

    /** Every limit on enters per second, the binding one (smallest) first. {@code openCohorts} take entries at once. */
    public List<Bound> enterBounds(Scenario s, int openCohorts) {
        List<Bound> b = new ArrayList<>();
        b.add(new Bound("API Gateway account throttle", limits.apiGatewayRps(),
                fmt(limits.apiGatewayRps()) + " requests/s, 1 request per enter"));
        b.add(new Bound("Lambda concurrency", limits.lambdaConcurrency() / (s.apiMillis() / 1000),
                fmt(limits.lambdaConcurrency()) + " executions / " + fmt(s.apiMillis()) + " ms per enter"));
        double stripes = openCohorts * costs.stripePartitions() * limits.partitionWcu() / costs.stripeWcuPerEnter();
        b.add(new Bound("position stripes (hot partition)", stripes,
                openCohorts + " open cohort(s) × " + costs.stripePartitions() + " partition(s) for its "
                        + costs.positionStripes() + " stripes × " + fmt(limits.partitionWcu())
                        + " WCU/s / " + fmt(costs.stripeWcuPerEnter()) + " WCU per enter"));
        b.add(new Bound("DynamoDB table write throughput", limits.tableWcu() / costs.enterWcu(),
                fmt(limits.tableWcu()) + " WCU/s / " + fmt(costs.enterWcu()) + " WCU per enter"));
        b.sort(Comparator.comparingDouble(Bound::perSecond));
        return b;
    }

    /** Every limit on signups per second (request + queue + worker), the binding one first. */
    public List<Bound> signupBounds(Scenario s) {
        List<Bound> b = new ArrayList<>();
        b.add(new Bound("identity verifier quota", s.verificationsPerSecond() / costs.workerVerifierCalls(),
                fmt(s.verificationsPerSecond()) + " verifications/s / " + fmt(costs.workerVerifierCalls()) + " per signup"));
        double sendCalls = s.sqsHighThroughput() ? limits.fifoHighThroughputCalls() : limits.fifoCallsPerAction();
        b.add(new Bound("SQS FIFO SendMessage calls", sendCalls / costs.signupSends(),
                fmt(sendCalls) + " calls/s per action" + (s.sqsHighThroughput() ? " (high-throughput mode)" : "")
                        + " / " + fmt(costs.signupSends()) + " unbatched send per signup"));
        b.add(new Bound("SQS FIFO receives by the worker", sendCalls * limits.fifoBatchSize(),
                fmt(sendCalls) + " ReceiveMessage calls/s × " + limits.fifoBatchSize() + " messages"));
        b.add(new Bound("DynamoDB table write throughput", limits.tableWcu() / costs.signupTotalWcu(),
                fmt(limits.tableWcu()) + " WCU/s / (" + fmt(costs.signupWcu()) + " + " + fmt(costs.workerWcu())
                        + ") WCU per signup"));
        b.add(new Bound("Lambda concurrency (worker)", limits.lambdaConcurrency() / (s.workerMillis() / 1000),
                fmt(limits.lambdaConcurrency()) + " executions / " + fmt(s.workerMillis()) + " ms per signup"));
        b.add(new Bound("API Gateway account throttle", limits.apiGatewayRps(),
                fmt(limits.apiGatewayRps()) + " requests/s, 1 request per signup"));
        b.sort(Comparator.comparingDouble(Bound::perSecond));
        return b;
    }

    /** Runs the rollout second by second: admission is paced at the sustained signup rate. */
    public Surge surge(Scenario s) {
        Bound pace = signupBounds(s).get(0);
        int n = s.cohorts();
        long[] size = new long[n];
        long[] opens = new long[n];
        long[] entered = new long[n];
        long[] admitted = new long[n];
        for (int k = 0; k < n; k++) {
            size[k] = s.cohortSize(k);
            opens[k] = k * s.cohortGapSeconds();
        }
        long signingUp = (long) Math.floor(s.members() * s.signupShare());
        long admittedTotal = 0;
        long signedUpTotal = 0;
        long verifiedTotal = 0;
        long backlog = 0;
        Map<String, Surge.Breach> breaches = new LinkedHashMap<>();
        double peakEnters = 0, peakPolls = 0, peakApi = 0, peakWcu = 0, peakRcu = 0, peakConc = 0, peakSends = 0, peakStripe = 0;
        long peakWaiting = 0, peakBacklog = 0;
        double safePoll = 0;
        long t = 0;
        for (; t < MAX_SECONDS; t++) {
            // arrivals: cohort k's members arrive evenly over arrivalSeconds from its opening
            long enters = 0;
            long busiestCohortEnters = 0;
            for (int k = 0; k < n; k++) {
                long since = t - opens[k];
                if (since >= 0 && since < s.arrivalSeconds()) {
                    long a = spread(size[k], s.arrivalSeconds(), since);
                    entered[k] += a;
                    enters += a;
                    busiestCohortEnters = Math.max(busiestCohortEnters, a);
                }
            }
            // admission: at most the pace this second, earliest cohort first; an unused place is not banked
            long budget = spread(pace.perSecond(), t);
            long admittedNow = 0;
            int openCohorts = 0;
            long waiting = 0;
            double polls = 0;
            for (int k = 0; k < n; k++) {
                if (t < opens[k]) {
                    continue;
                }
                long take = Math.min(budget, entered[k] - admitted[k]);
                admitted[k] += take;
                budget -= take;
                admittedNow += take;
                waiting += entered[k] - admitted[k];
                polls += s.polling().pollsPerSecond(entered[k] - admitted[k], pace.perSecond());
                if (admitted[k] < size[k]) {
                    openCohorts++;
                }
            }
            admittedTotal += admittedNow;
            // signups: the share of admitted people who submit, queued for the verifier at its quota
            long signupsNow = (long) Math.floor(admittedTotal * s.signupShare()) - signedUpTotal;
            signedUpTotal += signupsNow;
            backlog += signupsNow;
            long verifiedNow = Math.min(backlog, spread(s.verificationsPerSecond(), t));
            backlog -= verifiedNow;
            verifiedTotal += verifiedNow;

            double pending = backlog + verifiedNow * (s.workerMillis() / 1000);
            double signupPolls = pending / s.signupPollSeconds();
            double nonPollApi = enters + signupsNow + signupPolls;
            double api = nonPollApi + polls;
            double wcu = enters * costs.enterWcu() + signupsNow * costs.signupWcu() + verifiedNow * costs.workerWcu()
                    + openCohorts * costs.admitterWritesPerCohort();
            double rcu = polls * costs.pollRcu() + signupPolls * costs.signupStatusRcu()
                    + openCohorts * costs.admitterReadsPerCohort();
            double concurrency = api * s.apiMillis() / 1000 + verifiedNow * s.workerMillis() / 1000 + 1;
            double sends = signupsNow * costs.signupSends();
            double stripe = busiestCohortEnters * costs.stripeWcuPerEnter() / costs.stripePartitions();

            peakEnters = Math.max(peakEnters, enters);
            peakWaiting = Math.max(peakWaiting, waiting);
            peakPolls = Math.max(peakPolls, polls);
            peakApi = Math.max(peakApi, api);
            peakWcu = Math.max(peakWcu, wcu);
            peakRcu = Math.max(peakRcu, rcu);
            peakConc = Math.max(peakConc, concurrency);
            peakSends = Math.max(peakSends, sends);
            peakStripe = Math.max(peakStripe, stripe);
            peakBacklog = Math.max(peakBacklog, backlog);
            if (waiting > 0) { // the fixed interval that would fit everyone waiting now beside the other requests
                double room = limits.apiGatewayRps() - nonPollApi;
                safePoll = Math.max(safePoll, room > 0 ? waiting / room : Double.POSITIVE_INFINITY);
            }

            double sendLimit = s.sqsHighThroughput() ? limits.fifoHighThroughputCalls() : limits.fifoCallsPerAction();
            check(breaches, "API Gateway account throttle", t, api, limits.apiGatewayRps(),
                    "ticket polls of the people waiting (" + pollingText(s.polling()) + ") plus enters");
            check(breaches, "DynamoDB table write throughput", t, wcu, limits.tableWcu(), "enters and signups");
            check(breaches, "DynamoDB table read throughput", t, rcu, limits.tableRcu(), "ticket polls");
            check(breaches, "Lambda concurrency", t, concurrency, limits.lambdaConcurrency(), "API invocations and the worker");
            check(breaches, "SQS FIFO SendMessage calls", t, sends, sendLimit, "signups");
            check(breaches, "position stripe partition", t, stripe, limits.partitionWcu(), "enters of one cohort on its stripes' partition");

            boolean allArrived = t >= opens[n - 1] + s.arrivalSeconds() - 1;
            if (allArrived && admittedTotal == s.members() && verifiedTotal == signingUp) {
                break;
            }
        }
        List<Surge.Breach> crossed = new ArrayList<>(breaches.values());
        crossed.sort(Comparator.comparingLong(Surge.Breach::firstAtSecond));
        return new Surge(t + 1, opens[n - 1], pace, peakEnters, peakWaiting, peakPolls, peakApi, peakWcu, peakRcu,
                peakConc, peakSends, peakStripe, peakBacklog, safePoll, List.copyOf(crossed));
    }

    /** Each limit's peak demand in the rollout, the nearest to breaking first. */
    public List<Surge.Load> loads(Surge r, Scenario s) {
        List<Surge.Load> out = new ArrayList<>(List.of(
                new Surge.Load("API Gateway account throttle", r.peakApiRps(), limits.apiGatewayRps()),
                new Surge.Load("DynamoDB table write throughput", r.peakWcu(), limits.tableWcu()),
                new Surge.Load("DynamoDB table read throughput", r.peakRcu(), limits.tableRcu()),
                new Surge.Load("position stripe partition", r.peakStripeWcu(), limits.partitionWcu()),
                new Surge.Load("Lambda concurrency", r.peakConcurrency(), limits.lambdaConcurrency()),
                new Surge.Load("SQS FIFO SendMessage calls", r.peakSqsSends(),
                        s.sqsHighThroughput() ? limits.fifoHighThroughputCalls() : limits.fifoCallsPerAction())));
        out.sort(Comparator.comparingDouble(Surge.Load::share).reversed());
        return out;
    }

    /**
     * The most members the rollout's shape (cohorts, gap, arrival window) takes with no limit crossed, to
     * the nearest {@code cohorts}; 0 if even one member per cohort crosses one.
     */
    public long largestRolloutWithinLimits(Scenario s) {
        long lo = 0;
        long hi = s.cohorts();
        while (surge(s.withMembers(hi)).breaches().isEmpty()) {
            lo = hi;
            hi *= 2;
            if (hi > 1L << 40) {
                return lo;
            }
        }
        while (hi - lo > s.cohorts()) {
            long mid = (lo + hi) / 2;
            mid = Math.max(s.cohorts(), mid - mid % s.cohorts());
            if (mid <= lo || mid >= hi) {
                break;
            }
            if (surge(s.withMembers(mid)).breaches().isEmpty()) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void check(Map<String, Surge.Breach> breaches, String limit, long t, double demand, double allowed,
                              String cause) {
        if (demand <= allowed) {
            return;
        }
        Surge.Breach b = breaches.get(limit);
        if (b == null) {
            breaches.put(limit, new Surge.Breach(limit, t, demand, allowed, cause));
        } else if (demand > b.peak()) {
            breaches.put(limit, new Surge.Breach(limit, b.firstAtSecond(), demand, allowed, cause));
        }
    }

    /** The whole people that arrive in second {@code i} when {@code total} arrive evenly over {@code seconds}. */
    static long spread(long total, long seconds, long i) {
        return Math.floorDiv(total * (i + 1), seconds) - Math.floorDiv(total * i, seconds);
    }

    /** The whole units of a fractional rate that fall in second {@code i}. */
    static long spread(double perSecond, long i) {
        return (long) Math.floor(perSecond * (i + 1) + 1e-9) - (long) Math.floor(perSecond * i + 1e-9);
    }

    static String pollingText(Polling p) {
        return p.fixed() ? "every " + fmt(p.fixedSeconds()) + " s"
                : "every ETA/" + p.etaDivisor() + ", " + p.minSeconds() + "-" + p.maxSeconds() + " s";
    }

    static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return "∞";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format("%,d", (long) v);
        }
        return String.format("%,.1f", v);
    }
}
