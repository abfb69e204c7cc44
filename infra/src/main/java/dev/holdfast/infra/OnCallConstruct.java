package dev.holdfast.infra;

import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sns.subscriptions.UrlSubscription;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Paging: one SNS topic per stage, {@code Holdfast-<stage>-oncall}, that every alarm of the stage
 * notifies (ALARM and OK), and the maintenance-overrun alarm. Subscriptions come from CDK context:
 * {@code -c oncallEmail=a@example.com,b@example.com} (each confirms by mail) and
 * {@code -c oncallUrl=https://…} (a pager's HTTPS integration). The topic refuses non-TLS publishers
 * and is encrypted with a key of its own (rotated) that CloudWatch alarms may use, since an
 * AWS-managed SNS key would not let CloudWatch publish.
 */
public final class OnCallConstruct extends Construct {
    public static final String EMAIL_CONTEXT = "oncallEmail";
    public static final String URL_CONTEXT = "oncallUrl";
    /** The metric {@code GET /status} emits past a maintenance's announced end ({@code Metrics.MAINTENANCE_OVERRUN}). */
    static final String OVERRUN_METRIC = "MaintenanceOverrun";
    /** The functions' EMF dimension ({@code Metrics.FUNCTION_DIMENSION}); the namespace is {@link DashboardConstruct#NAMESPACE}. */
    static final String FUNCTION_DIMENSION = "function";
    /** Every EMF metric's stage dimension ({@code Metrics.STAGE_DIMENSION}): an alarm watches its own stage only. */
    static final String STAGE_DIMENSION = "stage";

    private final Topic topic;
    private final Alarm overrun;
    private final String prefix;

    public OnCallConstruct(Construct scope, String id, String stage, Object emails, Object url) {
        super(scope, id);
        prefix = Naming.prefixFor(stage);
        Key key = Key.Builder.create(this, "TopicKey")
                .description("Holdfast " + stage + " on-call topic")
                .enableKeyRotation(true)
                .build();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*")) // in a key policy, "*" is this key
                .build());
        topic = Topic.Builder.create(this, "Topic")
                .topicName("Holdfast-" + stage + "-oncall")
                .displayName("Holdfast " + stage + " on-call")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        for (String email : list(emails)) {
            topic.addSubscription(new EmailSubscription(email));
        }
        for (String u : list(url)) {
            if (!u.startsWith("https://")) {
                throw new IllegalArgumentException("-c " + URL_CONTEXT + " must be an https:// URL, got " + u);
            }
            topic.addSubscription(new UrlSubscription(u));
        }
        overrun = Alarm.Builder.create(this, "maintenance-overrun")
                .alarmName(prefix + "maintenance-overrun")
                .alarmDescription("A maintenance is past its announced end (\"until\") and still on: GET /status says"
                        + " \"extended\". Tell the people waiting, announce a new end, or end it.")
                .metric(Metric.Builder.create()
                        .namespace(DashboardConstruct.NAMESPACE)
                        .metricName(OVERRUN_METRIC)
                        .dimensionsMap(Map.of(FUNCTION_DIMENSION, Functions.PLATFORM.id(), STAGE_DIMENSION, stage))
                        .statistic("SampleCount")
                        .period(Duration.minutes(1))
                        .build())
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .datapointsToAlarm(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }

    /** The stage's on-call topic. */
    public ITopic topic() {
        return topic;
    }

    /** The alarm on a maintenance running past its announced end. */
    public Alarm maintenanceOverrun() {
        return overrun;
    }

    /**
     * Makes every alarm in {@code stack} (this construct's own included) notify the topic when it
     * goes to ALARM and back to OK. Call it once every alarm exists.
     */
    public void pageOnEveryAlarmIn(Stack stack) {
        SnsAction action = new SnsAction(topic);
        for (IConstruct c : stack.getNode().findAll()) {
            if (c instanceof Alarm a) {
                a.addAlarmAction(action);
                a.addOkAction(action);
            }
        }
    }

    private static List<String> list(Object context) {
        return context == null ? List.of()
                : Arrays.stream(context.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
