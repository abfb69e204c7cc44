package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.TableDef;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.constructs.Construct;

import java.util.LinkedHashMap;
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
 */
public final class FunctionsConstruct extends Construct {
    public static final String ALIAS_NAME = "live";
    private static final String SNAP_START_WARNING = "@aws-cdk/aws-lambda:snapStartRequirePublish";

    private final Map<FunctionDef, Alias> aliases = new LinkedHashMap<>();

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
            Function fn = Function.Builder.create(this, def.id())
                    .runtime(Runtime.JAVA_21)
                    .architecture(Architecture.ARM_64)
                    .handler(def.handler())
                    .code(code)
                    .memorySize(def.memoryMb())
                    .timeout(Duration.seconds(def.timeoutSeconds()))
                    .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                    .environment(environment(def, data, settings.getOrDefault(def, Map.of())))
                    .build();
            // CDK warns that SnapStart needs a published version: the alias below publishes one.
            Annotations.of(fn).acknowledgeWarning(SNAP_START_WARNING, "published through the " + ALIAS_NAME + " alias");
            def.reads().forEach(t -> data.table(t).grantReadData(fn));
            def.writes().forEach(t -> data.table(t).grantReadWriteData(fn));
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

    private static Map<String, String> environment(FunctionDef def, DataStack data, Map<String, String> settings) {
        Map<String, String> env = new TreeMap<>(settings);
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
