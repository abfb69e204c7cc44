package dev.holdfast.domain.pricing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The odds engine's pricing: a pure function of the normalized feed (a probability per selection),
 * the market's {@link MarginPolicy} and its {@link ExposureSignal}. No I/O, no clock, no floating
 * point: {@link BigDecimal} only.
 *
 * <h2>Definition</h2>
 * With feed probabilities {@code p_i} (normalized by their sum {@code S}), overround {@code m},
 * shortening bound {@code b} and signal {@code s_i} (0 when absent):
 * <pre>
 *   q_i   = (p_i / S) * (1 + m)          implied probability
 *   o_i   = 1 / q_i                       neutral odds
 *   o_i'  = o_i * (1 - b * s_i)           exposure-shortened odds
 *   odds_i = clamp(floor4(o_i'), 1.0001, 1000)
 * </pre>
 * {@code floor4} rounds DOWN to 4 decimals (shorter odds favour the house). The quotient is
 * evaluated <em>exactly</em>, as the single division {@code S * (1 - b*s_i) / (p_i * (1 + m))} of
 * two exact decimals rounded once with {@link RoundingMode#DOWN}; there is no intermediate
 * rounding, so {@code floor4} is the true floor of the rational value (equal to normalizing with any
 * {@link MathContext} precision, minus that context's rounding error).
 *
 * <h2>Invariants (property-tested in {@code PricingTest})</h2>
 * <ol>
 *   <li><b>Range:</b> every price is within [1.0001, 1000], for any valid input.</li>
 *   <li><b>Overround equals the margin:</b> with {@link ExposureSignal#NONE} and no price clamped,
 *       {@code m <= overround(odds) < m + 0.0001 * (1 + m)}: rounding down only lengthens
 *       {@code 1/odds}, by less than {@code 0.0001 * q_i / odds_i < 0.0001 * q_i} each.</li>
 *   <li><b>Monotone:</b> if {@code p_i > p_j} and {@code s_i >= s_j} then {@code odds_i <= odds_j}
 *       (in particular, without exposure a likelier selection never has longer odds).</li>
 *   <li><b>Exposure only shortens, and within the bound:</b> for every selection,
 *       {@code max(1.0001, floor4(neutral_i * (1 - b))) <= odds_i <= neutral_i}, where
 *       {@code neutral_i} is the price of the same input with {@link ExposureSignal#NONE};
 *       a selection with signal 0 gets exactly its neutral price.</li>
 *   <li><b>Pure:</b> equal inputs give equal outputs; the inputs are not modified; scaling every
 *       probability by the same factor changes nothing (only ratios matter).</li>
 *   <li><b>Order:</b> the result lists the selections in the input map's iteration order.</li>
 * </ol>
 */
public final class Pricing {
    /** Precision of {@link #overround(Map)}. */
    public static final MathContext OVERROUND_CONTEXT = new MathContext(20, RoundingMode.HALF_EVEN);
    private static final BigDecimal MIN = Odds.MIN.value();
    private static final BigDecimal MAX = Odds.MAX.value();

    private Pricing() {}

    /**
     * Prices a market.
     *
     * @param probabilities selection id to probability, each in (0, 1]; they need not sum to 1
     *                      (they are normalized); iteration order is kept
     * @param margin        the market's margin policy
     * @param exposure      the market's exposure signal; ids not in {@code probabilities} are ignored
     * @return selection id to odds, in the order of {@code probabilities} (an unmodifiable
     * {@link LinkedHashMap} view)
     * @throws IllegalArgumentException if {@code probabilities} is empty or has a null id or a
     *                                  probability that is null, {@code <= 0} or {@code > 1}
     */
    public static Map<String, Odds> price(Map<String, BigDecimal> probabilities, MarginPolicy margin,
                                          ExposureSignal exposure) {
        if (probabilities == null || probabilities.isEmpty()) {
            throw new IllegalArgumentException("probabilities must not be empty");
        }
        if (margin == null || exposure == null) {
            throw new IllegalArgumentException("margin policy and exposure signal are required");
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (Map.Entry<String, BigDecimal> e : probabilities.entrySet()) {
            BigDecimal p = e.getValue();
            if (e.getKey() == null) {
                throw new IllegalArgumentException("selection id must not be null");
            }
            if (p == null || p.signum() <= 0 || p.compareTo(BigDecimal.ONE) > 0) {
                throw new IllegalArgumentException("probability of '" + e.getKey() + "' must be in (0, 1], got "
                        + (p == null ? "null" : p.toPlainString()));
            }
            sum = sum.add(p);
        }
        BigDecimal onePlusM = BigDecimal.ONE.add(margin.overround());
        BigDecimal b = margin.maxExposureShortening();
        Map<String, Odds> out = new LinkedHashMap<>();
        for (Map.Entry<String, BigDecimal> e : probabilities.entrySet()) {
            BigDecimal shortening = BigDecimal.ONE.subtract(b.multiply(exposure.level(e.getKey())));
            BigDecimal numerator = sum.multiply(shortening);
            BigDecimal denominator = e.getValue().multiply(onePlusM);
            BigDecimal odds = numerator.divide(denominator, Odds.SCALE, RoundingMode.DOWN);
            out.put(e.getKey(), new Odds(odds.max(MIN).min(MAX)));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The overround of a price vector: {@code sum(1 / odds_i) - 1}, each reciprocal and the result
     * rounded to {@link #OVERROUND_CONTEXT} (20 significant digits).
     *
     * @throws IllegalArgumentException if {@code odds} is empty
     */
    public static BigDecimal overround(Map<String, Odds> odds) {
        if (odds == null || odds.isEmpty()) {
            throw new IllegalArgumentException("odds must not be empty");
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (Odds o : odds.values()) {
            sum = sum.add(BigDecimal.ONE.divide(o.value(), OVERROUND_CONTEXT));
        }
        return sum.subtract(BigDecimal.ONE).round(OVERROUND_CONTEXT);
    }
}
