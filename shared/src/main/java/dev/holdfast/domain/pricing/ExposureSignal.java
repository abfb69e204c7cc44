package dev.holdfast.domain.pricing;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A market's exposure signal: per selection id, the share of that selection's liability limit
 * already used, in [0, 1]. A selection that is absent has signal 0.
 *
 * <p>It is a soft signal, so values outside [0, 1] are <b>clamped</b> on construction (negative
 * becomes 0, above 1 becomes 1) rather than rejected; in-range values are kept as given (same
 * scale). The map is copied, keeps its iteration order and is unmodifiable.
 */
public record ExposureSignal(Map<String, BigDecimal> values) {
    /** No exposure on any selection. */
    public static final ExposureSignal NONE = new ExposureSignal(Map.of());

    public ExposureSignal {
        Objects.requireNonNull(values, "exposure values");
        Map<String, BigDecimal> copy = new LinkedHashMap<>();
        values.forEach((id, v) -> copy.put(Objects.requireNonNull(id, "selection id"), clamp(Objects.requireNonNull(v, id))));
        values = Collections.unmodifiableMap(copy);
    }

    /** The signal for {@code selectionId}, in [0, 1]; 0 when absent. */
    public BigDecimal level(String selectionId) {
        return values.getOrDefault(selectionId, BigDecimal.ZERO);
    }

    /** A copy with {@code selectionId}'s signal set to {@code value} (clamped to [0, 1]). */
    public ExposureSignal with(String selectionId, BigDecimal value) {
        Map<String, BigDecimal> copy = new LinkedHashMap<>(values);
        copy.put(selectionId, value);
        return new ExposureSignal(copy);
    }

    private static BigDecimal clamp(BigDecimal v) {
        if (v.signum() < 0) {
            return BigDecimal.ZERO;
        }
        if (v.compareTo(BigDecimal.ONE) > 0) {
            return BigDecimal.ONE;
        }
        return v;
    }
}
