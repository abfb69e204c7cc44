package dev.holdfast.domain.risk;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.pricing.ExposureSignal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The post-trade "soft" risk signal of one market, computed from the open liability on each of its
 * selections (accepted orders' {@code stake × (odds − 1)}, minus what settlement released) and the
 * event limit that caps each selection. Pure: no I/O, no clock, exact decimals.
 *
 * <ul>
 *   <li>{@link #signal}: per selection, {@code liability / eventLimit} rounded DOWN to
 *       {@value #SCALE} decimals and clamped to [0, 1] — so a tiny order leaves the price as it is
 *       (no new price version for noise), and the signal never claims more than what is open.</li>
 *   <li>{@link #overThreshold}: the first selection whose liability reaches
 *       {@code threshold × eventLimit}, compared exactly (not on the rounded signal).</li>
 * </ul>
 * A zero event limit means every selection with any open liability is full (share 1).
 */
public final class ExposureShares {
    /** Decimals of a signal level. */
    public static final int SCALE = 4;

    private ExposureShares() {}

    /** The market's exposure signal for these open liabilities (selection id to liability). */
    public static ExposureSignal signal(Map<String, BigDecimal> liabilities, Amount eventLimit) {
        Objects.requireNonNull(eventLimit);
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        liabilities.forEach((selectionId, liability) -> out.put(selectionId, share(liability, eventLimit)));
        return new ExposureSignal(out);
    }

    /** One selection's share of the event limit, in [0, 1], rounded down to {@value #SCALE} decimals. */
    public static BigDecimal share(BigDecimal liability, Amount eventLimit) {
        if (liability.signum() <= 0) {
            return BigDecimal.ZERO.setScale(SCALE);
        }
        if (eventLimit.isZero()) {
            return BigDecimal.ONE.setScale(SCALE);
        }
        BigDecimal s = liability.divide(eventLimit.value(), SCALE, RoundingMode.DOWN);
        return s.compareTo(BigDecimal.ONE) > 0 ? BigDecimal.ONE.setScale(SCALE) : s;
    }

    /**
     * The first selection (in the map's order) whose open liability is at least
     * {@code threshold × eventLimit}, if any.
     */
    public static Optional<String> overThreshold(Map<String, BigDecimal> liabilities, Amount eventLimit, BigDecimal threshold) {
        BigDecimal line = eventLimit.value().multiply(threshold);
        for (Map.Entry<String, BigDecimal> e : liabilities.entrySet()) {
            if (e.getValue().signum() > 0 && e.getValue().compareTo(line) >= 0) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }
}
