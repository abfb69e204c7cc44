package dev.holdfast.functions.capacity;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.capacity.CapacitySettings;
import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.domain.capacity.PathCosts;
import dev.holdfast.domain.capacity.PlannedSurge;
import dev.holdfast.domain.capacity.PreScalingAction;
import dev.holdfast.domain.capacity.PreScalingPlan;
import dev.holdfast.domain.capacity.SurgeSource;
import dev.holdfast.domain.capacity.WarmTarget;
import dev.holdfast.domain.capacity.WarmUnits;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.resources.Functions;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The scheduled preparer (every {@value dev.holdfast.resources.Triggers#PREPARE_EVERY_SECONDS} s,
 * EventBridge Scheduler): reads the surges not yet over and what is set now, asks the pure
 * {@link PreScalingPlan} what should be set at this moment and makes exactly those changes. Each run
 * starts from what it reads, so a run that failed half-way, a late run or a second run at the same
 * moment converge on the same settings; one failing call is logged and retried by the next run.
 *
 * <p>Outside every surge window provisioned concurrency is held at its resting figure
 * ({@value #RESTING_VARIABLE}, {@code orders=2,platform=1}; default none): the CDK app deploys none,
 * so nothing else sets it.
 */
public final class Preparer implements RequestHandler<Map<String, Object>, Void> {
    /** Resting provisioned concurrency per function id, {@code id=n,id=n}. */
    public static final String RESTING_VARIABLE = "RESTING_PROVISIONED_CONCURRENCY";
    /** Overrides Lambda's regional endpoint (tests). */
    public static final String LAMBDA_ENDPOINT_VARIABLE = "HOLDFAST_LAMBDA_ENDPOINT";

    private final CapacityControls controls;
    private final SurgeSource surges;
    private final Clock clock;
    private final Map<String, Integer> resting;
    private final PreScalingPlan planner = new PreScalingPlan(PathCosts.design());
    private final JsonLog log = new JsonLog("preparer");

    public Preparer() {
        this(Deployment.fromEnvironment(), System.getenv());
        // SnapStart priming: the plan for a stub surge (no AWS call: what it would change is not asked)
        Priming.register(Functions.PREPARER, Deployment.fromEnvironment(), this::prime);
    }

    public Preparer(Deployment deployment, Map<String, String> env) {
        this(new AwsCapacityControls(deployment.clients().dynamo(), lambda(env), env),
                new CalendarSurges(new dev.holdfast.persistence.surges.SurgeStore(deployment)),
                deployment.clock(), resting(env.get(RESTING_VARIABLE)));
    }

    public Preparer(CapacityControls controls, SurgeSource surges, Clock clock, Map<String, Integer> resting) {
        this.controls = controls;
        this.surges = surges;
        this.clock = clock;
        this.resting = Map.copyOf(resting);
    }

    private void prime() {
        Instant t = clock.instant();
        PlannedSurge stub = new PlannedSurge("priming", "BROADCAST", t.plus(Duration.ofHours(1)), t.plus(Duration.ofHours(2)),
                new ExpectedPeak(1_000, 1_000, 100));
        planner.plan(List.of(stub), CapacitySettings.none(), resting).timeline();
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(context);
        }
    }

    private Void handle(Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        Run r = run();
        ObjectNode line = log.line(r.failures().isEmpty() ? "INFO" : "ERROR", requestId, "pre-scaling run");
        line.put("surges", r.surges());
        line.put("changes", r.applied().size());
        r.applied().forEach(a -> line.withArray("applied").add(describe(a)));
        r.failures().forEach(f -> line.withArray("failed").add(f));
        log.write(line);
        return null;
    }

    /** What a run saw and did. */
    public record Run(int surges, List<PreScalingAction> applied, List<String> failures) {}

    /** One run: read, plan, change what is due now. */
    public Run run() {
        Instant now = clock.instant();
        List<PlannedSurge> calendar = surges.notOverAt(now);
        PreScalingPlan.Plan plan = planner.plan(calendar, current(calendar), resting);
        List<PreScalingAction> applied = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (PreScalingAction a : plan.dueAt(now)) {
            try {
                if (a instanceof PreScalingAction.SetWarmThroughput w) {
                    controls.raiseWarm(w.target(), w.units());
                } else {
                    PreScalingAction.SetProvisionedConcurrency p = (PreScalingAction.SetProvisionedConcurrency) a;
                    controls.setProvisioned(p.functionId(), p.executions());
                }
                applied.add(a);
            } catch (RuntimeException e) {
                failures.add(describe(a) + ": " + e.getMessage());
            }
        }
        return new Run(calendar.size(), List.copyOf(applied), List.copyOf(failures));
    }

    /** What is set now on everything the calendar's surges touch, and on every provisioned function. */
    private CapacitySettings current(List<PlannedSurge> calendar) {
        Set<WarmTarget> targets = new TreeSet<>();
        for (PlannedSurge s : calendar) {
            targets.addAll(planner.needs(s.peak()).warm().keySet());
        }
        Map<WarmTarget, WarmUnits> warm = new TreeMap<>();
        targets.forEach(t -> warm.put(t, controls.warm(t)));
        Map<String, Integer> provisioned = new TreeMap<>();
        PathCosts.PROVISIONED.keySet().forEach(f -> provisioned.put(f, controls.provisioned(f)));
        return new CapacitySettings(warm, provisioned);
    }

    static String describe(PreScalingAction a) {
        if (a instanceof PreScalingAction.SetWarmThroughput w) {
            return "warm throughput " + w.target() + " " + w.units().readUnitsPerSecond() + " reads/s, "
                    + w.units().writeUnitsPerSecond() + " writes/s for " + w.surges();
        }
        PreScalingAction.SetProvisionedConcurrency p = (PreScalingAction.SetProvisionedConcurrency) a;
        return "provisioned concurrency " + p.functionId() + " " + p.from() + " -> " + p.executions()
                + (p.restore() ? " (restore)" : " for " + p.surges());
    }

    /** {@code orders=2,platform=1} to a map; blank: none. */
    static Map<String, Integer> resting(String value) {
        Map<String, Integer> out = new HashMap<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String part : value.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2 || !PathCosts.PROVISIONED.containsKey(kv[0].trim())) {
                throw new IllegalArgumentException(RESTING_VARIABLE + ": expected id=n for one of "
                        + PathCosts.PROVISIONED.keySet() + ", got " + part);
            }
            out.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
        }
        return out;
    }

    private static Supplier<LambdaProvisioning> lambda(Map<String, String> env) {
        return new Supplier<>() {
            private LambdaProvisioning built;

            @Override
            public synchronized LambdaProvisioning get() {
                if (built == null) {
                    String region = env.getOrDefault("AWS_REGION", "us-east-1");
                    String endpoint = env.get(LAMBDA_ENDPOINT_VARIABLE);
                    built = new LambdaProvisioning(endpoint == null || endpoint.isBlank()
                            ? LambdaProvisioning.endpointFor(region) : URI.create(endpoint),
                            region, EnvironmentVariableCredentialsProvider.create(), UrlConnectionHttpClient.create());
                }
                return built;
            }
        };
    }
}
