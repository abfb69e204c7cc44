package dev.holdfast.functions.capacity;

import dev.holdfast.domain.capacity.WarmTarget;
import dev.holdfast.domain.capacity.WarmUnits;

/**
 * The preparer's edge: reads and sets what the pre-scaling plan is about. In AWS
 * {@link AwsCapacityControls}: DynamoDB {@code DescribeTable}/{@code UpdateTable} and Lambda's
 * provisioned-concurrency calls on the {@code live} aliases.
 */
public interface CapacityControls {
    /** The table's or index's warm throughput now. */
    WarmUnits warm(WarmTarget target);

    /** Raises it (DynamoDB never lowers warm throughput). */
    void raiseWarm(WarmTarget target, WarmUnits units);

    /** The provisioned concurrency requested on the function's alias (0: none). */
    int provisioned(String functionId);

    /** Sets it; 0 removes the configuration. */
    void setProvisioned(String functionId, int executions);
}
