package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.Triggers;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;

/**
 * One CloudWatch dashboard per stage, {@code <prefix>dashboard}: what to watch during a deploy and
 * a surge. The business metrics are the functions' EMF metrics in namespace {@value #NAMESPACE}
 * (dimension {@code function}, plus {@code code} or {@code queue}); they are charted with
 * {@code SEARCH} so that every function and every rejection code that emits them shows up without
 * being listed here.
 */
public final class DashboardConstruct extends Construct {
    public static final String NAMESPACE = "Holdfast";
    /** The EMF metric names the functions emit. */
    public static final List<String> BUSINESS_METRICS = List.of(
            "OrdersAccepted", "OrdersRejected", "PriceAgeMs", "AdmittedPerSecond", "SettledOrders", "QueueDepth");
    private static final Duration PERIOD = Duration.minutes(1);
    private static final int WIDTH = 12;

    private final Dashboard dashboard;

    public DashboardConstruct(Construct scope, String id, String stage, HttpApi api, FunctionsConstruct functions,
                              DataStack data, TriggersConstruct triggers, DeploymentsConstruct deployments) {
        super(scope, id);
        dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(Naming.prefixFor(stage) + "dashboard")
                .defaultInterval(Duration.hours(3))
                .build();
        dashboard.addWidgets(TextWidget.Builder.create()
                .markdown("# Holdfast " + stage + "\nDuring a deploy, watch the alarms below; any of them in ALARM rolls the"
                        + " deployment back. Runbook: README, \"Deploying safely\".")
                .width(24).height(2).build());
        dashboard.addWidgets(AlarmStatusWidget.Builder.create()
                .title("Rollback alarms")
                .alarms(deployments.alarms())
                .width(24).height(6).build());

        MetricOptions sum = MetricOptions.builder().statistic("Sum").period(PERIOD).build();
        dashboard.addWidgets(
                graph("API requests and 5xx", List.of(api.metricCount(sum), api.metricServerError(sum), api.metricClientError(sum))),
                graph("API latency p50 / p99 (ms)", List.of(
                        api.metricLatency(MetricOptions.builder().statistic("p50").period(PERIOD).build()),
                        api.metricLatency(MetricOptions.builder().statistic("p99").period(PERIOD).build()))));
        dashboard.addWidgets(
                graph("Orders accepted", List.of(search(stage, "OrdersAccepted", "Sum"))),
                graph("Orders rejected by code", List.of(search(stage, "OrdersRejected", "Sum"))));
        dashboard.addWidgets(
                graph("Price age (ms, max)", List.of(search(stage, "PriceAgeMs", "Maximum"))),
                graph("Waiting room: admitted per second", List.of(search(stage, "AdmittedPerSecond", "Average"))));
        dashboard.addWidgets(
                graph("Settlement progress: orders settled", List.of(search(stage, "SettledOrders", "Sum"))),
                graph("Queue depth (reported by the functions)", List.of(search(stage, "QueueDepth", "Maximum"))));

        List<IMetric> depths = new ArrayList<>();
        List<IMetric> ages = new ArrayList<>();
        for (QueueDef q : Queues.ALL) {
            IQueue queue = data.queue(q);
            depths.add(queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                    .statistic("Maximum").period(PERIOD).label(q.id()).build()));
            ages.add(queue.metricApproximateAgeOfOldestMessage(MetricOptions.builder()
                    .statistic("Maximum").period(PERIOD).label(q.id()).build()));
        }
        dashboard.addWidgets(graph("Queues: visible messages", depths), graph("Queues: age of oldest message (s)", ages));

        List<IMetric> deadLetters = new ArrayList<>();
        java.util.Set<String> charted = new java.util.HashSet<>();
        for (QueueDef q : Queues.ALL) {
            IQueue dlq = data.queue(q).getDeadLetterQueue().getQueue();
            charted.add(dlq.getNode().getPath());
            deadLetters.add(dlq.metricApproximateNumberOfMessagesVisible(
                    MetricOptions.builder().statistic("Maximum").period(PERIOD).label(q.id() + "-dlq").build()));
        }
        for (IQueue failures : triggers.deadLetters()) {
            if (charted.add(failures.getNode().getPath())) {
                deadLetters.add(failures.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum").period(PERIOD).label(failures.getNode().getId()).build()));
            }
        }
        List<IMetric> iteratorAges = new ArrayList<>();
        for (Triggers.StreamTrigger t : Triggers.STREAMS) {
            iteratorAges.add(functions.alias(t.function()).metric("IteratorAge", MetricOptions.builder()
                    .statistic("Maximum").period(PERIOD).label(t.function().id()).build()));
        }
        dashboard.addWidgets(graph("Dead letters (any above 0 needs a look)", deadLetters),
                graph("Stream iterator age (ms)", iteratorAges));

        List<IMetric> errors = new ArrayList<>();
        List<IMetric> throttles = new ArrayList<>();
        for (FunctionDef def : functions.definitions()) {
            errors.add(functions.alias(def).metricErrors(MetricOptions.builder()
                    .statistic("Sum").period(PERIOD).label(def.id()).build()));
            throttles.add(functions.alias(def).metricThrottles(MetricOptions.builder()
                    .statistic("Sum").period(PERIOD).label(def.id()).build()));
        }
        dashboard.addWidgets(graph("Function errors", errors), graph("Function throttles", throttles));
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    /**
     * Every series of {@code metricName} in the Holdfast namespace of this {@code stage} (every EMF
     * metric carries a {@code stage} dimension: the stages of one account share the namespace).
     */
    static MathExpression search(String stage, String metricName, String statistic) {
        return MathExpression.Builder.create()
                .expression("SEARCH('Namespace=\"" + NAMESPACE + "\" MetricName=\"" + metricName + "\" " + OnCallConstruct.STAGE_DIMENSION + "=\""
                        + stage + "\"', '" + statistic + "', 60)")
                .label(metricName)
                .period(PERIOD)
                .build();
    }

    private static IWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(WIDTH).height(6).build();
    }
}
