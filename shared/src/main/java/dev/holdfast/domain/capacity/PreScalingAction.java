package dev.holdfast.domain.capacity;

import java.time.Instant;
import java.util.List;

/** One timed change of the pre-scaling plan. */
public sealed interface PreScalingAction {
    /** When it is due. */
    Instant at();

    /** The surges it is for (empty for a restore). */
    List<String> surges();

    /**
     * Raise a table's or index's warm throughput ({@code UpdateTable WarmThroughput}). Never lowered:
     * DynamoDB only increases warm throughput, and on an on-demand table it costs nothing once set.
     */
    record SetWarmThroughput(Instant at, WarmTarget target, WarmUnits from, WarmUnits units, List<String> surges)
            implements PreScalingAction {
        public SetWarmThroughput {
            surges = List.copyOf(surges);
        }
    }

    /**
     * Set a function alias's provisioned concurrency ({@code PutProvisionedConcurrencyConfig}); 0 removes
     * it ({@code DeleteProvisionedConcurrencyConfig}).
     */
    record SetProvisionedConcurrency(Instant at, String functionId, int from, int executions, List<String> surges)
            implements PreScalingAction {
        public SetProvisionedConcurrency {
            surges = List.copyOf(surges);
        }

        public boolean restore() {
            return surges.isEmpty();
        }
    }
}
