package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.codedeploy.AutoRollbackConfig;
import software.amazon.awscdk.services.codedeploy.ILambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaApplication;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentGroup;
import software.amazon.awscdk.services.codedeploy.TimeBasedCanaryTrafficRouting;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Safe deploys: every function's {@value FunctionsConstruct#ALIAS_NAME} alias is moved to a new
 * version by CodeDeploy, gradually ({@link Rollout}), and rolled back automatically when one of its
 * alarms fires during the shift — or when the deployment fails or is stopped.
 *
 * <p>Alarms (all on one-minute data, missing data is fine: no traffic is not an outage):
 * <ul>
 *   <li>every function: its error rate (errors / invocations of the alias) above
 *       {@value #ERROR_RATE_PERCENT}% for 2 minutes; its p99 duration above its budget
 *       ({@link Rollout#p99BudgetMs()}) for 2 minutes;</li>
 *   <li>API functions: the API's 5xx rate above {@value #ERROR_RATE_PERCENT}% for 2 minutes;</li>
 *   <li>consumers: the depth of the dead-letter or on-failure queue their failures feed (visible
 *       messages above 0 — one poisoned message is worth stopping a rollout for);</li>
 *   <li>stream consumers: the iterator age above {@value #ITERATOR_AGE_MS} ms for 2 minutes. The risk
 *       heartbeat passes every 5 s, so a healthy pipeline stays far below; past it, orders are about to
 *       fail closed on the risk lag.</li>
 * </ul>
 *
 * <p>Before any traffic shifts, CodeDeploy invokes the pre-traffic hook ({@code Functions.PRE_TRAFFIC_HOOK}):
 * during a surge's change freeze it reports {@code Failed}, so the deployment fails and rolls back
 * before a single request reaches the new version (README, "Surges and the change freeze").
 *
 * <p>A dead-letter alarm stays in alarm until its queue is drained or redriven, so a consumer cannot
 * be deployed while messages it failed on are unexplained: look at them first (README, "Deploying
 * safely").
 */
public final class DeploymentsConstruct extends Construct {
    static final int ERROR_RATE_PERCENT = 1;
    static final int ITERATOR_AGE_MS = 30_000;
    private static final Duration PERIOD = Duration.minutes(1);

    private final String prefix;
    private final Map<FunctionDef, LambdaDeploymentGroup> groups = new LinkedHashMap<>();
    private final Map<FunctionDef, List<IAlarm>> alarmsByFunction = new LinkedHashMap<>();
    /** By the queue's construct path. */
    private final Map<String, Alarm> deadLetterAlarms = new LinkedHashMap<>();
    private final List<IAlarm> alarms = new ArrayList<>();
    private final Map<Integer, ILambdaDeploymentConfig> scheduleConfigs = new LinkedHashMap<>();

    /**
     * @param preTrafficHook CodeDeploy's {@code BeforeAllowTraffic} hook of every deployment group: it
     *                       fails a deployment during a surge's change freeze ({@code PreTrafficHook})
     */
    public DeploymentsConstruct(Construct scope, String id, String stage, FunctionsConstruct functions,
                                TriggersConstruct triggers, DataStack data, HttpApi api, IFunction preTrafficHook) {
        super(scope, id);
        prefix = Naming.prefixFor(stage);
        LambdaApplication application = LambdaApplication.Builder.create(this, "Application")
                .applicationName(prefix + "functions")
                .build();

        for (QueueDef q : Queues.ALL) {
            deadLetterAlarm(q.id() + "-dlq", data.queue(q).getDeadLetterQueue().getQueue());
        }
        for (IQueue failures : triggers.deadLetters()) {
            if (!deadLetterAlarms.containsKey(failures.getNode().getPath())) {
                deadLetterAlarm(failures.getNode().getId(), failures);
            }
        }
        Alarm api5xx = rateAlarm("api-5xx-rate", "5xx answers of the HTTP API",
                api.metricServerError(MetricOptions.builder().statistic("Sum").period(PERIOD).build()),
                api.metricCount(MetricOptions.builder().statistic("Sum").period(PERIOD).build()));

        for (FunctionDef def : functions.definitions()) {
            Rollout rollout = Rollout.of(def);
            Alias alias = functions.alias(def);
            List<IAlarm> mine = new ArrayList<>();
            mine.add(rateAlarm(def.id() + "-error-rate", "errors of " + def.id(),
                    alias.metricErrors(MetricOptions.builder().statistic("Sum").period(PERIOD).build()),
                    alias.metricInvocations(MetricOptions.builder().statistic("Sum").period(PERIOD).build())));
            mine.add(alarm(def.id() + "-p99-duration", "p99 duration of " + def.id() + " above "
                            + rollout.p99BudgetMs() + " ms",
                    alias.metricDuration(MetricOptions.builder().statistic("p99").period(PERIOD).build()),
                    rollout.p99BudgetMs(), 2));
            if (rollout.kind() == Rollout.Kind.API) {
                mine.add(api5xx);
            }
            for (IQueue q : triggers.deadLetters(def)) {
                mine.add(deadLetterAlarms.get(q.getNode().getPath()));
            }
            if (Rollout.consumes(def) && dev.holdfast.resources.Triggers.STREAMS.stream()
                    .anyMatch(t -> t.function().equals(def))) {
                mine.add(alarm(def.id() + "-iterator-age", "stream records waiting longer than " + ITERATOR_AGE_MS + " ms for "
                                + def.id(),
                        alias.metric("IteratorAge", MetricOptions.builder().statistic("Maximum").period(PERIOD).build()),
                        ITERATOR_AGE_MS, 2));
            }
            alarmsByFunction.put(def, List.copyOf(mine));
            LambdaDeploymentGroup group = LambdaDeploymentGroup.Builder.create(this, def.id() + "-deployment")
                    .application(application)
                    .alias(alias)
                    .deploymentConfig(config(rollout))
                    .alarms(mine)
                    .preHook(preTrafficHook)
                    .autoRollback(AutoRollbackConfig.builder()
                            .failedDeployment(true)
                            .stoppedDeployment(true)
                            .deploymentInAlarm(true)
                            .build())
                    .build();
            NagSuppressions.addResourceSuppressions(group, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM4")
                    .reason("CodeDeploy's own AWSCodeDeployRoleForLambdaLimited: it may only shift aliases of"
                            + " functions and invoke hooks; no narrower policy lets CodeDeploy move an alias")
                    .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"))
                    .build()), true);
            groups.put(def, group);
        }
    }

    /** The deployment group shifting {@code def}'s alias. */
    public LambdaDeploymentGroup group(FunctionDef def) {
        return groups.get(def);
    }

    /** The alarms that roll back {@code def}'s deployment. */
    public List<IAlarm> alarms(FunctionDef def) {
        return alarmsByFunction.getOrDefault(def, List.of());
    }

    /** Every alarm defined here (for the dashboard). */
    public List<IAlarm> alarms() {
        return List.copyOf(alarms);
    }

    /** Every dead-letter and on-failure queue depth alarm. */
    public List<Alarm> deadLetterAlarms() {
        return List.copyOf(deadLetterAlarms.values());
    }

    private ILambdaDeploymentConfig config(Rollout rollout) {
        return switch (rollout.kind()) {
            case API -> LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES;
            case CONSUMER -> LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE;
            case SCHEDULE -> scheduleConfigs.computeIfAbsent(rollout.minutes(), minutes ->
                    LambdaDeploymentConfig.Builder.create(this, "Canary" + rollout.canaryPercent() + "Percent" + minutes + "Minutes")
                            .trafficRouting(TimeBasedCanaryTrafficRouting.Builder.create()
                                    .percentage(rollout.canaryPercent())
                                    .interval(Duration.minutes(minutes))
                                    .build())
                            .build());
        };
    }

    private void deadLetterAlarm(String name, IQueue queue) {
        Alarm a = alarm(name + "-depth", "messages waiting in " + name + ": a consumer gave up on them",
                queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum").period(PERIOD).build()),
                0, 1);
        deadLetterAlarms.put(queue.getNode().getPath(), a);
    }

    /** {@code part / whole} above {@value #ERROR_RATE_PERCENT}% for two minutes (0 without traffic). */
    private Alarm rateAlarm(String name, String what, IMetric part, IMetric whole) {
        MathExpression rate = MathExpression.Builder.create()
                .expression("IF(whole > 0, 100 * part / whole, 0)")
                .usingMetrics(Map.of("part", part, "whole", whole))
                .label(what + " (%)")
                .period(PERIOD)
                .build();
        return alarm(name, what + " above " + ERROR_RATE_PERCENT + "%", rate, ERROR_RATE_PERCENT, 2);
    }

    private Alarm alarm(String name, String description, IMetric metric, double threshold, int periods) {
        Alarm a = Alarm.Builder.create(this, name)
                .alarmName(prefix + name)
                .alarmDescription(description + ". Rolls back a deployment in progress.")
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(periods)
                .datapointsToAlarm(periods)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarms.add(a);
        return a;
    }
}
