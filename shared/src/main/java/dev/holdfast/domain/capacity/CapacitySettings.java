package dev.holdfast.domain.capacity;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is set now: warm throughput per table and index, provisioned concurrency per function (by its
 * id; 0 = none). Targets not named have AWS's defaults ({@link #NEW_ON_DEMAND}) and no provisioned
 * concurrency.
 */
public record CapacitySettings(Map<WarmTarget, WarmUnits> warm, Map<String, Integer> provisioned) {
    /** A new on-demand table's (and index's) warm throughput: 12,000 reads and 4,000 writes per second. */
    public static final WarmUnits NEW_ON_DEMAND = new WarmUnits(12_000, 4_000);

    public CapacitySettings {
        warm = Collections.unmodifiableMap(new TreeMap<>(warm));
        provisioned = Collections.unmodifiableMap(new TreeMap<>(provisioned));
        provisioned.values().forEach(v -> {
            if (v < 0) {
                throw new IllegalArgumentException("provisioned concurrency cannot be negative");
            }
        });
    }

    public static CapacitySettings none() {
        return new CapacitySettings(Map.of(), Map.of());
    }

    public WarmUnits warm(WarmTarget t) {
        return warm.getOrDefault(t, NEW_ON_DEMAND);
    }

    public int provisioned(String functionId) {
        return provisioned.getOrDefault(functionId, 0);
    }

    public CapacitySettings withWarm(WarmTarget t, WarmUnits u) {
        Map<WarmTarget, WarmUnits> w = new TreeMap<>(warm);
        w.put(t, u);
        return new CapacitySettings(w, provisioned);
    }

    public CapacitySettings withProvisioned(String functionId, int n) {
        Map<String, Integer> p = new TreeMap<>(provisioned);
        p.put(functionId, n);
        return new CapacitySettings(warm, p);
    }

    /** These settings with {@code action} applied. */
    public CapacitySettings apply(PreScalingAction action) {
        if (action instanceof PreScalingAction.SetWarmThroughput w) {
            return withWarm(w.target(), w.units());
        }
        PreScalingAction.SetProvisionedConcurrency p = (PreScalingAction.SetProvisionedConcurrency) action;
        return withProvisioned(p.functionId(), p.executions());
    }
}
