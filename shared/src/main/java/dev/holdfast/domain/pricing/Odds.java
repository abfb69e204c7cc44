package dev.holdfast.domain.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Decimal odds as the API contract defines them: at most 4 fractional digits, between
 * {@link #MIN} (1.0001) and {@link #MAX} (1000) inclusive.
 *
 * <p>The value is held at scale exactly 4, so record equality is numeric: {@code 2.35} and
 * {@code 2.3500} are the same odds (and hash alike). {@link #text()} (and {@link #toString()}) is the
 * contract's string: plain notation, no exponent, trailing zeros stripped ({@code 2.3500 -> "2.35"},
 * {@code 3.0000 -> "3"}).
 */
public record Odds(BigDecimal value) implements Comparable<Odds> {
    /** Fractional digits odds carry. */
    public static final int SCALE = 4;
    private static final BigDecimal MIN_VALUE = new BigDecimal("1.0001");
    private static final BigDecimal MAX_VALUE = new BigDecimal("1000.0000");
    /** The shortest odds the contract allows: 1.0001. */
    public static final Odds MIN = new Odds(MIN_VALUE);
    /** The longest odds the contract allows: 1000. */
    public static final Odds MAX = new Odds(MAX_VALUE);

    /** Plain unsigned decimal, no leading zeros, no exponent, at most 4 fractional digits. */
    private static final Pattern SYNTAX = Pattern.compile("(0|[1-9][0-9]{0,3})(\\.[0-9]{1,4})?");

    /**
     * @throws IllegalArgumentException if {@code value} has more than 4 significant fractional
     *                                  digits or lies outside [1.0001, 1000]
     */
    public Odds {
        Objects.requireNonNull(value, "odds value");
        if (value.stripTrailingZeros().scale() > SCALE) {
            throw new IllegalArgumentException("odds must have at most 4 fractional digits: " + value.toPlainString());
        }
        value = value.setScale(SCALE, RoundingMode.UNNECESSARY);
        if (value.compareTo(MIN_VALUE) < 0 || value.compareTo(MAX_VALUE) > 0) {
            throw new IllegalArgumentException("odds must be between 1.0001 and 1000: " + value.stripTrailingZeros().toPlainString());
        }
    }

    /**
     * Parses the contract's decimal string: plain digits with an optional point and 1 to 4
     * fractional digits; no sign, exponent, whitespace or leading zeros; within [1.0001, 1000].
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Odds parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("odds must not be null");
        }
        if (text.length() > 16 || !SYNTAX.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "odds must be a plain decimal string with at most 4 fractional digits, e.g. \"2.35\": \"" + abbreviate(text) + "\"");
        }
        return new Odds(new BigDecimal(text));
    }

    /** The contract's decimal string, e.g. {@code "2.35"}, {@code "3"}, {@code "1.0001"}. */
    public String text() {
        return value.stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return text();
    }

    @Override
    public int compareTo(Odds other) {
        return value.compareTo(other.value);
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }
}
