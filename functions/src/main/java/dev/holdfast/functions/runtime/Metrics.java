package dev.holdfast.functions.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * Metrics in CloudWatch Embedded Metric Format: each figure is one JSON line on standard output,
 * which Lambda ships to CloudWatch Logs and CloudWatch turns into a metric. No SDK call, no thread,
 * no buffering: a line costs what a log line costs.
 *
 * <p>Every metric is in namespace {@value #NAMESPACE} with dimensions {@value #FUNCTION_DIMENSION}
 * (the function id) and {@value #STAGE_DIMENSION} ({@link Invocation#processStage()}); some carry one more
 * dimension (e.g. {@code code} of a rejected order). Inside an {@link Invocation} the line also
 * carries the Lambda request id and trace id as plain properties (searchable, not dimensions). The
 * metric names below are the ones the CDK dashboard and alarms refer to.
 */
public final class Metrics {
    public static final String NAMESPACE = "Holdfast";
    public static final String FUNCTION_DIMENSION = "function";
    /** Every metric's second dimension: stages share an account's namespace, dashboards filter on it. */
    public static final String STAGE_DIMENSION = "stage";

    public static final String ORDERS_ACCEPTED = "OrdersAccepted";
    public static final String ORDERS_REJECTED = "OrdersRejected";
    public static final String PRICE_AGE_MS = "PriceAgeMs";
    public static final String SETTLED_ORDERS = "SettledOrders";
    public static final String QUEUE_DEPTH = "QueueDepth";
    public static final String ADMITTED_PER_SECOND = "AdmittedPerSecond";

    /** CloudWatch units used here. */
    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds"), COUNT_PER_SECOND("Count/Second");

        final String text;

        Unit(String text) {
            this.text = text;
        }
    }

    /** While true (SnapStart priming), nothing is written: stub traffic must not become metrics. */
    private static volatile boolean muted;

    private final String function;
    private final PrintStream out;
    private final Clock clock;
    private final String stage;

    public Metrics(String function) {
        this(function, System.out, Clock.systemUTC());
    }

    Metrics(String function, PrintStream out, Clock clock) {
        this(function, out, clock, Invocation.processStage());
    }

    Metrics(String function, PrintStream out, Clock clock, String stage) {
        this.function = function;
        this.out = out;
        this.clock = clock;
        this.stage = stage;
    }

    /** Silences every {@code Metrics} of this process while {@code r} runs (priming). */
    static void muted(Runnable r) {
        muted = true;
        try {
            r.run();
        } finally {
            muted = false;
        }
    }

    /** One order committed ({@code 201}, not a replay). */
    public void ordersAccepted() {
        emit(ORDERS_ACCEPTED, 1, Unit.COUNT, Map.of());
    }

    /** One order refused with the contract's error {@code code} (e.g. {@code PRICE_STALE}). */
    public void ordersRejected(String code) {
        emit(ORDERS_REJECTED, 1, Unit.COUNT, Map.of("code", code));
    }

    /** How old a price was when the feed ingester applied it (received at minus source timestamp). */
    public void priceAgeMs(long ms) {
        emit(PRICE_AGE_MS, ms, Unit.MILLISECONDS, Map.of());
    }

    /** Orders a settlement step settled. */
    public void settledOrders(long n) {
        emit(SETTLED_ORDERS, n, Unit.COUNT, Map.of());
    }

    /** Messages waiting in {@code queue}, as a function observed it. */
    public void queueDepth(String queue, long depth) {
        emit(QUEUE_DEPTH, depth, Unit.COUNT, Map.of("queue", queue));
    }

    /** The admission rate of one cohort's waiting room, as the admitter applied it. */
    public void admittedPerSecond(double rate) {
        emit(ADMITTED_PER_SECOND, rate, Unit.COUNT_PER_SECOND, Map.of());
    }

    /**
     * Writes one EMF line: metric {@code name} = {@code value} with dimensions {@code function}
     * plus {@code extraDimensions} (declared as one dimension set).
     */
    public void emit(String name, double value, Unit unit, Map<String, String> extraDimensions) {
        if (muted) {
            return;
        }
        ObjectNode line = Json.object();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dimensionSet = directive.putArray("Dimensions").addArray();
        dimensionSet.add(FUNCTION_DIMENSION);
        dimensionSet.add(STAGE_DIMENSION);
        extraDimensions.keySet().stream().sorted().forEach(dimensionSet::add);
        ObjectNode metric = directive.putArray("Metrics").addObject();
        metric.put("Name", name);
        metric.put("Unit", unit.text);
        line.put(FUNCTION_DIMENSION, function);
        line.put(STAGE_DIMENSION, stage);
        extraDimensions.forEach(line::put);
        Invocation.current().ifPresent(i -> {
            line.put("awsRequestId", i.awsRequestId());
            line.put("traceId", i.traceId());
        });
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            line.put(name, (long) value);
        } else {
            line.put(name, value);
        }
        out.println(Json.write(line));
    }
}
