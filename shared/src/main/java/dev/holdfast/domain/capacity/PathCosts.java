package dev.holdfast.domain.capacity;

import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.resources.Bulkheads;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Tables;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one request of each surge kind costs the tables and indexes it hits, and the functions whose
 * warm executions it needs: what the pre-scaling plan multiplies a surge's expected peak by.
 *
 * @param perOrder          units per accepted order, by table or index
 * @param perEnter          units per waiting-room enter, by table, with the ticket polls it brings
 * @param perWithdrawal     units per withdrawal, request and payout together
 * @param pollsPerEnter     ticket polls per second that each enter per second brings at the peak
 * @param statusPerSecond   {@code GET /status} requests per second reaching the function during a surge
 * @param secondsPerRequest per function id, how long one request keeps an execution busy
 * @param concurrencyCaps   per function id, the most provisioned concurrency it may get (its reserved
 *                          concurrency: AWS refuses more)
 */
public record PathCosts(Map<WarmTarget, RequestUnits> perOrder, Map<WarmTarget, RequestUnits> perEnter,
                        Map<WarmTarget, RequestUnits> perWithdrawal, double pollsPerEnter, double statusPerSecond,
                        Map<String, Double> secondsPerRequest, Map<String, Integer> concurrencyCaps) {

    /** Read and write units one request spends on one table or index (fractions allowed: 0.5 RCU). */
    public record RequestUnits(double reads, double writes) {}

    public PathCosts {
        perOrder = Collections.unmodifiableMap(new LinkedHashMap<>(perOrder));
        perEnter = Collections.unmodifiableMap(new LinkedHashMap<>(perEnter));
        perWithdrawal = Collections.unmodifiableMap(new LinkedHashMap<>(perWithdrawal));
        secondsPerRequest = Collections.unmodifiableMap(new LinkedHashMap<>(secondsPerRequest));
        concurrencyCaps = Collections.unmodifiableMap(new LinkedHashMap<>(concurrencyCaps));
    }

    /**
     * The design as built. An accepted order (README, "How an order commits"; 20 write units measured by
     * {@code ./localstack/bench hot-market}) reads the order, the market and the account (strongly
     * consistent, 1 unit each) and writes in one transaction (2 units per item): the order (+1 on each of
     * its two indexes), two rate windows on the platform table, the account and its STAKE entry, and
     * four exposure claims (GLOBAL, SEGMENT, EVENT, USER). An enter is {@link RequestCosts#enterWcu()} on
     * the waiting-room table, one strongly consistent ticket read, and {@value #POLLS_PER_ENTER} ticket
     * polls at {@link RequestCosts#pollRcu()} (the city rollout's peak: 5,866 polls/s at 300 enters/s,
     * {@code ./localstack/capacity}). A withdrawal is its hold transaction (the withdrawal, the account,
     * the entry, a condition on the platform status; the sparse {@code pending} index) and its payout
     * (an attempt mark, then the completion transaction that takes it off the index).
     */
    public static PathCosts design() {
        RequestCosts signup = RequestCosts.design();
        String orders = Tables.ORDERS.id();
        String wallet = Tables.WALLET.id();
        Map<WarmTarget, RequestUnits> perOrder = new LinkedHashMap<>();
        perOrder.put(WarmTarget.table(orders), new RequestUnits(1, 2));
        Tables.ORDERS.indexes().forEach(i -> perOrder.put(WarmTarget.index(orders, i.name()), new RequestUnits(0, 1)));
        perOrder.put(WarmTarget.table(Tables.MARKETS.id()), new RequestUnits(1, 0));
        perOrder.put(WarmTarget.table(wallet), new RequestUnits(1, 4));
        perOrder.put(WarmTarget.table(Tables.EXPOSURE.id()), new RequestUnits(0, 8));
        perOrder.put(WarmTarget.table(Tables.PLATFORM.id()), new RequestUnits(0, 4));
        Map<WarmTarget, RequestUnits> perEnter = Map.of(WarmTarget.table(Tables.WAITING_ROOM.id()),
                new RequestUnits(1 + POLLS_PER_ENTER * signup.pollRcu(), signup.enterWcu()));
        Map<WarmTarget, RequestUnits> perWithdrawal = new LinkedHashMap<>();
        perWithdrawal.put(WarmTarget.table(wallet), new RequestUnits(4, 15));
        Tables.WALLET.indexes().forEach(i -> perWithdrawal.put(WarmTarget.index(wallet, i.name()), new RequestUnits(0, 2)));
        perWithdrawal.put(WarmTarget.table(Tables.PLATFORM.id()), new RequestUnits(0, 2));

        Bulkheads.Sizing sizing = Bulkheads.defaults();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Integer> caps = new LinkedHashMap<>();
        for (Bulkheads.Demand d : Bulkheads.design()) {
            if (PROVISIONED.containsKey(d.function().id())) {
                seconds.put(d.function().id(), d.secondsPerRequest());
                caps.put(d.function().id(), sizing.reservedFor(d.function()).orElseThrow());
            }
        }
        double status = sizing.routes().get("GET /status").ratePerSecond();
        return new PathCosts(perOrder, perEnter, perWithdrawal, POLLS_PER_ENTER, status, seconds, caps);
    }

    /** Ticket polls per second per enter per second at the peak of the city rollout (5,866 / 300, rounded up). */
    public static final double POLLS_PER_ENTER = 20;

    /** The functions whose aliases get provisioned concurrency ahead of a surge: orders, waiting room, status. */
    public static final Map<String, FunctionDef> PROVISIONED = Map.of(
            Functions.ORDERS.id(), Functions.ORDERS,
            Functions.WAITING_ROOM.id(), Functions.WAITING_ROOM,
            Functions.PLATFORM.id(), Functions.PLATFORM);

    /** Requests per second each provisioned function serves at {@code peak}. */
    public Map<String, Double> requestsPerSecond(ExpectedPeak peak) {
        Map<String, Double> r = new LinkedHashMap<>();
        r.put(Functions.ORDERS.id(), (double) peak.ordersPerSecond());
        r.put(Functions.WAITING_ROOM.id(), peak.entersPerSecond() * (1 + pollsPerEnter));
        r.put(Functions.PLATFORM.id(), statusPerSecond);
        return r;
    }
}
