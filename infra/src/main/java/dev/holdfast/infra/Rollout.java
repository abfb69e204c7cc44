package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import dev.holdfast.resources.Triggers;

/**
 * How a new version of a function reaches its {@value FunctionsConstruct#ALIAS_NAME} alias, chosen
 * from what invokes it (the shared definition), and what its alarms watch. Pure: no CDK types.
 *
 * <ul>
 *   <li><b>API</b> functions (they serve a route of the HTTP API or the live WebSocket API): canary, 10% of requests for 5 minutes, then all.
 *       Requests arrive continuously, so 5 minutes at 10% is thousands of calls on the new code
 *       while 90% of callers are untouched. Alarms: the function's error rate, its p99 duration
 *       ({@value #API_P99_BUDGET_MS} ms: a route is a handful of DynamoDB calls) and the API's 5xx
 *       rate.</li>
 *   <li><b>Consumers</b> of a queue or stream: linear, 10% more every minute (10 minutes). Work comes
 *       in bursts (a market settles, a withdrawal batch, a feed storm), so a longer, growing window
 *       lets each burst reach the new code while most of it still runs on the old; and their
 *       signals (dead-letter depth, iterator age) rise only after retries, minutes after a bad
 *       batch. Both versions may process side by side: every consumer is idempotent.</li>
 *   <li><b>Scheduled</b> functions: canary, 50% for {@link #scheduleCanaryMinutes} (at least 10
 *       minutes, or two periods). A schedule invokes once per period: at 10% for 5 minutes the new
 *       version would most likely never run (0.9^5 = 59% chance of no invocation), at 50% over 10
 *       invocations the chance of none is 0.1%.</li>
 * </ul>
 *
 * <p>Durations above {@value #API_P99_BUDGET_MS} ms are allowed where the function's timeout says so:
 * a function with a timeout above {@value #API_TIMEOUT_SECONDS} s, and every non-API function, alarms
 * at 90% of its timeout (it is about to time out).
 */
public record Rollout(Kind kind, int canaryPercent, int minutes, int p99BudgetMs) {

    public enum Kind { API, CONSUMER, SCHEDULE }

    /** The p99 duration an API function must stay under. */
    static final int API_P99_BUDGET_MS = 1000;
    /** The longest timeout of an API function that the budget above applies to. */
    static final int API_TIMEOUT_SECONDS = 10;
    /**
     * Share of the timeout (per mille) past which a p99 duration means "about to time out": 90%,
     * above the minute that looping scheduled functions run by design (75 s timeouts).
     */
    static final int ABOUT_TO_TIME_OUT_PER_MILLE = 900;
    /** Minutes a scheduled function's canary lasts at least. */
    static final int SCHEDULE_CANARY_MIN_MINUTES = 10;

    /** The rollout of {@code def}, from the routes and triggers that invoke it. */
    public static Rollout of(FunctionDef def) {
        int aboutToTimeOut = def.timeoutSeconds() * ABOUT_TO_TIME_OUT_PER_MILLE;
        if (servesRoutes(def)) {
            int budget = def.timeoutSeconds() > API_TIMEOUT_SECONDS ? aboutToTimeOut : API_P99_BUDGET_MS;
            return new Rollout(Kind.API, 10, 5, budget);
        }
        if (consumes(def)) {
            return new Rollout(Kind.CONSUMER, 10, 1, aboutToTimeOut);
        }
        if (scheduled(def)) {
            return new Rollout(Kind.SCHEDULE, 50, scheduleCanaryMinutes(def), aboutToTimeOut);
        }
        throw new IllegalArgumentException("function " + def.id() + " is invoked by no route, queue, stream or schedule");
    }

    /** A scheduled function's canary: at least 10 minutes, and at least two of its periods. */
    static int scheduleCanaryMinutes(FunctionDef def) {
        int periodMinutes = java.util.stream.Stream.concat(Triggers.SCHEDULES.stream(), Triggers.AWS_ONLY_SCHEDULES.stream())
                .filter(t -> t.function().equals(def))
                .mapToInt(t -> Math.max(1, t.everySeconds() / 60))
                .max().orElse(1);
        return Math.max(SCHEDULE_CANARY_MIN_MINUTES, 2 * periodMinutes);
    }

    static boolean servesRoutes(FunctionDef def) {
        return def.equals(Routes.DEFAULT_FUNCTION) || dev.holdfast.resources.Functions.WEBSOCKET.contains(def)
                || Routes.deployed().stream().map(RouteDef::function).anyMatch(def::equals);
    }

    static boolean consumes(FunctionDef def) {
        return Triggers.QUEUES.stream().anyMatch(t -> t.function().equals(def))
                || Triggers.STREAMS.stream().anyMatch(t -> t.function().equals(def));
    }

    static boolean scheduled(FunctionDef def) {
        return Triggers.SCHEDULES.stream().anyMatch(t -> t.function().equals(def))
                || Triggers.AWS_ONLY_SCHEDULES.stream().anyMatch(t -> t.function().equals(def));
    }

    /** True for the linear rollout of consumers, false for canaries. */
    public boolean linear() {
        return kind == Kind.CONSUMER;
    }
}
