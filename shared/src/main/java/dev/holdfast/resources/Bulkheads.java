package dev.holdfast.resources;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Bulkheads: how much of the account's Lambda concurrency and of its API Gateway request rate each
 * function and route may take, so that a withdrawal or signup surge cannot starve orders, settlement
 * or {@code GET /status}. Pure arithmetic over the shared definitions; the CDK app deploys the result
 * (reserved concurrency per function, a throttle per route on the HTTP API's stage) and the local
 * function host uses the same figures as its per-function concurrency limits.
 *
 * <p>Sizing: a function's reserved concurrency is its demand — the peak requests per second of its
 * routes × the seconds one request takes, plus the concurrency a queue consumer needs — times
 * {@value #HEADROOM_PERCENT}%, rounded up. Reserved concurrency is both a floor (nobody else can take
 * it) and a ceiling (the function cannot take more): a {@link Lane#PROTECTED} function keeps its
 * share whatever else surges, a {@link Lane#SURGE} function cannot grow into everybody else's.
 * Functions without a demand here share what is left unreserved. Each route of a demand gets a stage
 * throttle at its peak rate (burst half of it), so the gateway answers {@code 429} before the
 * function's reserved concurrency would answer with a throttled invocation.
 *
 * <p>What {@link #size} refuses (a CDK synth then fails): reserving more than the account's
 * concurrency less the {@value #UNRESERVED_FLOOR} executions AWS always keeps unreserved; route
 * throttles adding up to more than the account's API Gateway rate (then a surge lane could take the
 * protected lanes' requests); a route that is not the demand's function's.
 */
public final class Bulkheads {
    private Bulkheads() {}

    /** Lambda concurrent executions per account and region, AWS's default (raisable). */
    public static final int ACCOUNT_CONCURRENCY = 1_000;
    /** Executions AWS keeps unreserved whatever the reservations (Lambda quotas). */
    public static final int UNRESERVED_FLOOR = 100;
    /** API Gateway requests per second per account and region, all APIs (raisable). */
    public static final int ACCOUNT_API_RPS = 10_000;
    /** Reserved concurrency over the computed demand. */
    public static final int HEADROOM_PERCENT = 125;

    /** {@code v} with {@link #HEADROOM_PERCENT} headroom, rounded up. */
    public static long withHeadroom(double v) {
        return (long) Math.ceil(v * HEADROOM_PERCENT / 100.0 - 1e-9);
    }

    /** What a lane's reservation is for. */
    public enum Lane {
        /** Kept available whatever else surges: orders, settlement, status. */
        PROTECTED,
        /** Capped so that its surge stays inside its own share: withdrawals, the waiting room, signups. */
        SURGE
    }

    /**
     * One function's peak load.
     *
     * @param function            the function
     * @param lane                what its reservation is for
     * @param routeRates          its routes' peak requests per second, by route key ({@code POST /orders})
     * @param secondsPerRequest   how long one request keeps an execution busy (warm, with its retries)
     * @param consumerConcurrency executions a queue consumer needs besides (0 for API functions)
     * @param why                 where the figures come from
     */
    public record Demand(FunctionDef function, Lane lane, Map<String, Integer> routeRates, double secondsPerRequest,
                         int consumerConcurrency, String why) {
        public Demand {
            routeRates = Collections.unmodifiableMap(new LinkedHashMap<>(routeRates));
            if (!(secondsPerRequest > 0) || consumerConcurrency < 0) {
                throw new IllegalArgumentException("impossible demand for " + function.id());
            }
        }

        /** Executions busy at the peak, before headroom. */
        public double concurrency() {
            return routeRates.values().stream().mapToInt(Integer::intValue).sum() * secondsPerRequest + consumerConcurrency;
        }
    }

    /** A route's stage throttle: steady requests per second and the burst above it. */
    public record Throttle(int ratePerSecond, int burst) {}

    /**
     * The sizing: reserved concurrency per function and a throttle per route.
     *
     * @param accountConcurrency the account's Lambda concurrency it was sized for
     * @param accountApiRps      the account's API Gateway rate it was sized for
     */
    public record Sizing(int accountConcurrency, int accountApiRps, Map<FunctionDef, Integer> reserved,
                         Map<String, Throttle> routes, Map<FunctionDef, Lane> lanes) {
        public Sizing {
            reserved = Collections.unmodifiableMap(new LinkedHashMap<>(reserved));
            routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
            lanes = Collections.unmodifiableMap(new LinkedHashMap<>(lanes));
        }

        /** Reserved concurrency of {@code f}, if it has any. */
        public OptionalInt reservedFor(FunctionDef f) {
            Integer r = reserved.get(f);
            return r == null ? OptionalInt.empty() : OptionalInt.of(r);
        }

        /** Executions left to every function without a reservation. */
        public int unreserved() {
            return accountConcurrency - reserved.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Requests per second the routes of one lane may take together. */
        public int routeRate(Lane lane) {
            int sum = 0;
            for (Map.Entry<String, Throttle> e : routes.entrySet()) {
                FunctionDef f = Routes.byKey(e.getKey()).orElseThrow().function();
                if (lanes.get(f) == lane) {
                    sum += e.getValue().ratePerSecond();
                }
            }
            return sum;
        }
    }

    /**
     * The design's peak figures ({@code docs/capacity.md}, {@code ./localstack/capacity}, the order and
     * hot-market benches). Route rates of the surge lanes add up to what the account's API Gateway rate
     * leaves once the protected lanes have theirs.
     */
    public static List<Demand> design() {
        return List.of(
                new Demand(Functions.ORDERS, Lane.PROTECTED, Map.of(
                        "POST /orders", 2_000, "GET /orders", 100, "GET /orders/{orderId}", 200), 0.05, 0,
                        "2,000 orders/s (the hot-market bench sustains 1,748/s on ONE market); 2 round trips, 50 ms with a retry"),
                new Demand(Functions.SETTLER, Lane.PROTECTED, Map.of(), 0.05, 16,
                        "16 markets settling at once (FIFO, group = market: one execution per settling market)"),
                new Demand(Functions.PLATFORM, Lane.PROTECTED, Map.of("GET /status", 500), 0.02, 0,
                        "GET /status behind CloudFront's 1 s cache: one request per edge location per second, plus direct callers"),
                new Demand(Functions.WAITING_ROOM, Lane.SURGE, Map.of(
                        "POST /waiting-room/enter", 500, "GET /waiting-room/tickets/{ticketId}", 5_000), 0.02, 0,
                        "the city rollout peaks at 300 enters/s and 5,866 polls/s (./localstack/capacity); 20 ms per call"),
                new Demand(Functions.SIGNUP, Lane.SURGE, Map.of("POST /signup", 250, "GET /signup/{signupId}", 250), 0.02, 0,
                        "signups are paced to the verifier (100/s) and bound by SQS FIFO's 300 sends/s"),
                new Demand(Functions.SIGNUP_WORKER, Lane.SURGE, Map.of(), 1.0, 100,
                        "100 verifications/s × 1 s per signup: more would only queue at the verifier's quota"),
                new Demand(Functions.WALLET, Lane.SURGE, Map.of(
                        "POST /wallet/withdrawals", 500, "GET /wallet/withdrawals/{withdrawalId}", 300,
                        "GET /wallet", 300, "GET /wallet/ledger", 100), 0.03, 0,
                        "8× the usual ~60 withdrawals/s (the partner-surge drill) fits under 500/s"),
                new Demand(Functions.WITHDRAWAL_WORKER, Lane.SURGE, Map.of(), 1.0, 40,
                        "40 bank calls in flight (FIFO, group = account); the bank, not Lambda, sets the pace"));
    }

    /** The design sized for AWS's default account limits. */
    public static Sizing defaults() {
        return size(ACCOUNT_CONCURRENCY, ACCOUNT_API_RPS, design());
    }

    /** Sizes {@code demands} for an account with these limits; refuses what the account cannot hold. */
    public static Sizing size(int accountConcurrency, int accountApiRps, List<Demand> demands) {
        Map<FunctionDef, Integer> reserved = new LinkedHashMap<>();
        Map<String, Throttle> routes = new LinkedHashMap<>();
        Map<FunctionDef, Lane> lanes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int reservedSum = 0;
        int rateSum = 0;
        for (Demand d : demands) {
            if (reserved.containsKey(d.function())) {
                problems.add(d.function().id() + " has two demands");
                continue;
            }
            int r = (int) withHeadroom(d.concurrency());
            r = Math.max(1, r);
            reserved.put(d.function(), r);
            lanes.put(d.function(), d.lane());
            reservedSum += r;
            for (Map.Entry<String, Integer> e : d.routeRates().entrySet()) {
                RouteDef route = Routes.byKey(e.getKey()).orElse(null);
                if (route == null || route.function() != d.function()) {
                    problems.add("route " + e.getKey() + " is not served by " + d.function().id());
                    continue;
                }
                int rate = e.getValue();
                if (rate < 1) {
                    problems.add("route " + e.getKey() + " needs a positive rate");
                    continue;
                }
                routes.put(e.getKey(), new Throttle(rate, Math.max(1, rate / 2)));
                rateSum += rate;
            }
        }
        if (reservedSum > accountConcurrency - UNRESERVED_FLOOR) {
            problems.add("reserved concurrency " + reservedSum + " leaves less than the " + UNRESERVED_FLOOR
                    + " executions AWS keeps unreserved in an account of " + accountConcurrency
                    + " (raise the account's concurrency quota)");
        }
        if (rateSum > accountApiRps) {
            problems.add("route throttles add up to " + rateSum + " requests/s, over the account's " + accountApiRps
                    + ": a surge lane could take the protected lanes' requests");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bulkheads do not fit: " + String.join("; ", problems));
        }
        return new Sizing(accountConcurrency, accountApiRps, reserved, routes, lanes);
    }
}
