package dev.holdfast.functions.capacity;

import dev.holdfast.persistence.capacity.WarmThroughputs;
import dev.holdfast.domain.capacity.WarmTarget;
import dev.holdfast.domain.capacity.WarmUnits;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link CapacityControls} in AWS: the table's physical name from {@link TableDef#envVar()}, the
 * function's from {@link FunctionDef#nameEnvVar()}, always on its {@code live} alias.
 */
public final class AwsCapacityControls implements CapacityControls {
    /** The alias every trigger and route invokes (the CDK app's {@code FunctionsConstruct.ALIAS_NAME}). */
    public static final String ALIAS = "live";

    private final WarmThroughputs warm;
    private final Supplier<LambdaProvisioning> lambda;
    private final Map<String, String> env;

    public AwsCapacityControls(DynamoDbClient dynamo, Supplier<LambdaProvisioning> lambda, Map<String, String> env) {
        this.warm = new WarmThroughputs(dynamo);
        this.lambda = lambda;
        this.env = env;
    }

    @Override
    public WarmUnits warm(WarmTarget target) {
        return warm.current(tableName(target), target);
    }

    @Override
    public void raiseWarm(WarmTarget target, WarmUnits units) {
        warm.raise(tableName(target), target, units);
    }

    @Override
    public int provisioned(String functionId) {
        return lambda.get().requested(functionName(functionId), ALIAS);
    }

    @Override
    public void setProvisioned(String functionId, int executions) {
        if (executions == 0) {
            lambda.get().delete(functionName(functionId), ALIAS);
        } else {
            lambda.get().put(functionName(functionId), ALIAS, executions);
        }
    }

    private String tableName(WarmTarget target) {
        TableDef def = Tables.ALL.stream().filter(t -> t.id().equals(target.table())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + target.table()));
        return required(def.envVar());
    }

    private String functionName(String functionId) {
        return required(Functions.byId(functionId).nameEnvVar());
    }

    private String required(String variable) {
        String v = env.get(variable);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("the preparer was not given " + variable);
        }
        return v;
    }
}
