package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Naming;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.TableDef;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Lambda function per {@link FunctionDef}, all from the same shaded jar, each with exactly the
 * table and queue access its definition lists: physical names and URLs in environment variables
 * ({@link TableDef#envVar()}, {@link QueueDef#envVar()}) and matching IAM grants.
 *
 * <p><b>Why an alias:</b> SnapStart only snapshots published versions, and calling the unqualified
 * function runs {@code $LATEST} without it. Every function gets a version for its current
 * configuration and an alias {@value #ALIAS_NAME} on it; API integrations, event sources and
 * schedules all target the alias, never the function. Tiered compilation is left to the Java 21
 * runtime, which already stops at C1 ({@code JAVA_TOOL_OPTIONS} is not set).
 *
 * <p><b>Why a role and a log group of its own:</b> the default role carries the managed
 * {@code AWSLambdaBasicExecutionRole}, which may write to every log group of the account. Here each
 * function's role may write only to its own log group, and otherwise holds exactly the grants of its
 * definition, spelled out action by action ({@link #READ_ACTIONS}, {@link #WRITE_ACTIONS}) on its
 * tables and their named indexes, never {@code index/*}. Tables holding money or audit
 * ({@link TableDef#holdsMoneyOrAudit()}) are append-only, and IAM says so too: no function may
 * delete an item from them ({@link #DELETE_ACTION} only on the other tables it writes). The log groups are kept for {@value #LOG_RETENTION_NAME} and RETAINed: a rolled-back
 * or deleted stack must never take the logs of what it did with it.
 */
public final class FunctionsConstruct extends Construct {
    public static final String ALIAS_NAME = "live";
    private static final String SNAP_START_WARNING = "@aws-cdk/aws-lambda:snapStartRequirePublish";

    static final String LOG_RETENTION_NAME = "one year";
    private static final RetentionDays LOG_RETENTION = RetentionDays.ONE_YEAR;

    /** What reading a table takes: single and batch reads, queries and scans (reconciliation), transaction checks. */
    static final List<String> READ_ACTIONS = List.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
            "dynamodb:Scan", "dynamodb:ConditionCheckItem");
    /** What writing a table takes: puts and updates, alone or inside TransactWriteItems. */
    static final List<String> WRITE_ACTIONS = List.of("dynamodb:PutItem", "dynamodb:UpdateItem");
    /** Deleting: only on written tables that hold neither money nor audit. */
    static final String DELETE_ACTION = "dynamodb:DeleteItem";

    private final Map<FunctionDef, Alias> aliases = new LinkedHashMap<>();
    private final Map<FunctionDef, Function> functions = new LinkedHashMap<>();

    public FunctionsConstruct(Construct scope, String id, DataStack data, Code code, List<FunctionDef> defs) {
        this(scope, id, data, code, defs, Map.of());
    }

    /**
     * @param settings per function, environment variables beyond resource names (e.g. the withdrawal
     *                 worker's {@code BANK_URL} from context {@code bankUrl})
     */
    public FunctionsConstruct(Construct scope, String id, DataStack data, Code code, List<FunctionDef> defs,
                              Map<FunctionDef, Map<String, String>> settings) {
        super(scope, id);
        for (FunctionDef def : defs) {
            LogGroup logs = LogGroup.Builder.create(this, def.id() + "-logs")
                    .retention(LOG_RETENTION)
                    .removalPolicy(RemovalPolicy.RETAIN)
                    .build();
            Role role = Role.Builder.create(this, def.id() + "-role")
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                    .description("Holdfast function " + def.id() + ": its own log group and the grants of its definition")
                    .build();
            logs.grantWrite(role);
            Function fn = Function.Builder.create(this, def.id())
                    .runtime(Runtime.JAVA_21)
                    .architecture(Architecture.ARM_64)
                    .handler(def.handler())
                    .code(code)
                    .memorySize(def.memoryMb())
                    .timeout(Duration.seconds(def.timeoutSeconds()))
                    .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                    // X-Ray active tracing, not the ADOT layer: no layer to load (cold start), the
                    // trace id reaches every log line through the Lambda context
                    .tracing(Tracing.ACTIVE)
                    .role(role)
                    .logGroup(logs)
                    .environment(environment(def, data, settings.getOrDefault(def, Map.of())))
                    .build();
            // CDK warns that SnapStart needs a published version: the alias below publishes one.
            Annotations.of(fn).acknowledgeWarning(SNAP_START_WARNING, "published through the " + ALIAS_NAME + " alias");
            io.github.cdklabs.cdknag.NagSuppressions.addResourceSuppressions(fn, List.of(
                    io.github.cdklabs.cdknag.NagPackSuppression.builder()
                            .id("AwsSolutions-L1")
                            .reason("java21 is the LTS runtime the functions are built, primed (SnapStart, CRaC hooks) and"
                                    + " cold-start-measured on; moving to a newer Java runtime is a measured change of its own")
                            .build()));
            io.github.cdklabs.cdknag.NagSuppressions.addResourceSuppressions(role, List.of(
                    io.github.cdklabs.cdknag.NagPackSuppression.builder()
                            .id("AwsSolutions-IAM5")
                            .reason("Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource"
                                    + " narrower than \"*\" (X-Ray has no resource-level permissions for them)")
                            .appliesTo(List.of("Resource::*"))
                            .build()), true);
            functions.put(def, fn);
            grantTables(role, def, data);
            def.sendsTo().forEach(q -> data.queue(q).grantSendMessages(fn));
            aliases.put(def, Alias.Builder.create(this, def.id() + "-" + ALIAS_NAME)
                    .aliasName(ALIAS_NAME)
                    .version(fn.getCurrentVersion())
                    .build());
        }
    }

    /** The {@value #ALIAS_NAME} alias of a function: what every trigger and route invokes. */
    public Alias alias(FunctionDef def) {
        Alias a = aliases.get(def);
        if (a == null) {
            throw new IllegalArgumentException("function " + def.id() + " is not deployed here");
        }
        return a;
    }

    /** Exactly the table access of {@code def}: reads on its tables and their indexes, writes on its written tables. */
    private static void grantTables(Role role, FunctionDef def, DataStack data) {
        Set<TableDef> read = new LinkedHashSet<>(def.reads());
        read.addAll(def.writes());
        for (TableDef t : read) {
            String arn = data.table(t).getTableArn();
            List<String> resources = new ArrayList<>();
            resources.add(arn);
            t.indexes().forEach(i -> resources.add(arn + "/index/" + i.name()));
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(READ_ACTIONS).resources(resources).build());
        }
        for (TableDef t : def.writes()) {
            List<String> actions = new ArrayList<>(WRITE_ACTIONS);
            if (!t.holdsMoneyOrAudit()) {
                actions.add(DELETE_ACTION);
            }
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(actions).resources(List.of(data.table(t).getTableArn())).build());
        }
    }

    /** The function itself (its role, its metrics); invoke it only through {@link #alias}. */
    public Function function(FunctionDef def) {
        alias(def);
        return functions.get(def);
    }

    /** The functions deployed here, in definition order. */
    public List<FunctionDef> definitions() {
        return List.copyOf(aliases.keySet());
    }

    private static Map<String, String> environment(FunctionDef def, DataStack data, Map<String, String> settings) {
        Map<String, String> env = new TreeMap<>(settings);
        env.put(Naming.STAGE_VARIABLE, data.stage());
        for (TableDef t : def.reads()) {
            env.put(t.envVar(), data.table(t).getTableName());
        }
        for (TableDef t : def.writes()) {
            env.put(t.envVar(), data.table(t).getTableName());
        }
        for (QueueDef q : def.sendsTo()) {
            env.put(q.envVar(), data.queue(q).getQueueUrl());
        }
        return env;
    }
}
