package dev.holdfast.infra;

import dev.holdfast.domain.capacity.PathCosts;
import dev.holdfast.domain.capacity.WarmTarget;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.LambdaInvoke;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pre-scaling from the surge calendar: the {@link Functions#PREPARER} runs every
 * {@value Triggers#PREPARE_EVERY_SECONDS} s on an EventBridge Scheduler schedule (on its
 * {@value FunctionsConstruct#ALIAS_NAME} alias), and may do exactly what its plan does, on exactly what
 * it plans for:
 * <ul>
 *   <li>{@link #TABLE_ACTIONS} on the tables whose warm throughput it raises ({@link #scaledTables()}:
 *       every table a surge's orders, enters or withdrawals hit; an index's warm throughput is an
 *       {@code UpdateTable} of its table);</li>
 *   <li>{@link #CONCURRENCY_ACTIONS} on the {@value FunctionsConstruct#ALIAS_NAME} aliases of
 *       {@link PathCosts#PROVISIONED} (orders, waiting room, platform: {@code GET /status}).</li>
 * </ul>
 * It reads no item and gets the physical names in its environment ({@link TableDef#envVar()},
 * {@link FunctionDef#nameEnvVar()}). The schedule has no retries: a missed run is made good by the
 * next one five minutes later (every run converges on the plan's settings for its moment).
 */
public final class PreScalingConstruct extends Construct {
    /** Reading and raising a table's (and its indexes') warm throughput. */
    static final List<String> TABLE_ACTIONS = List.of("dynamodb:DescribeTable", "dynamodb:UpdateTable");
    /** Reading, setting and removing an alias's provisioned concurrency. */
    static final List<String> CONCURRENCY_ACTIONS = List.of("lambda:GetProvisionedConcurrencyConfig",
            "lambda:PutProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig");

    private final Schedule schedule;

    public PreScalingConstruct(Construct scope, String id, DataStack data, FunctionsConstruct functions) {
        super(scope, id);
        FunctionDef preparer = Functions.PREPARER;
        Function fn = functions.function(preparer);
        List<String> tableArns = new ArrayList<>();
        for (TableDef t : scaledTables()) {
            fn.addEnvironment(t.envVar(), data.table(t).getTableName());
            tableArns.add(data.table(t).getTableArn());
        }
        fn.addToRolePolicy(PolicyStatement.Builder.create().actions(TABLE_ACTIONS).resources(tableArns).build());
        List<String> aliasArns = new ArrayList<>();
        for (FunctionDef f : PathCosts.PROVISIONED.values().stream().sorted(java.util.Comparator.comparing(FunctionDef::id)).toList()) {
            fn.addEnvironment(f.nameEnvVar(), functions.function(f).getFunctionName());
            aliasArns.add(functions.alias(f).getFunctionArn());
        }
        fn.addToRolePolicy(PolicyStatement.Builder.create().actions(CONCURRENCY_ACTIONS).resources(aliasArns).build());

        Triggers.ScheduleTrigger t = Triggers.AWS_ONLY_SCHEDULES.stream().filter(s -> s.function().equals(preparer))
                .findFirst().orElseThrow();
        schedule = Schedule.Builder.create(this, "schedule-" + preparer.id() + "-every-" + t.everySeconds() + "s")
                .description("Holdfast pre-scaling: warm throughput and provisioned concurrency ahead of the surge calendar")
                .schedule(ScheduleExpression.rate(Duration.seconds(t.everySeconds())))
                .target(LambdaInvoke.Builder.create(functions.alias(preparer))
                        .input(ScheduleTargetInput.fromObject(Map.of("everySeconds", t.everySeconds(), "ticks", 1)))
                        .retryAttempts(0)
                        .maxEventAge(Duration.seconds(t.everySeconds()))
                        .build())
                .build();
    }

    public Schedule schedule() {
        return schedule;
    }

    /** The tables whose warm throughput the plan may raise, in definition order. */
    static List<TableDef> scaledTables() {
        PathCosts costs = PathCosts.design();
        Set<String> ids = new TreeSet<>();
        for (Map<WarmTarget, PathCosts.RequestUnits> per : List.of(costs.perOrder(), costs.perEnter(), costs.perWithdrawal())) {
            per.keySet().forEach(w -> ids.add(w.table()));
        }
        return Tables.ALL.stream().filter(td -> ids.contains(td.id())).toList();
    }
}
