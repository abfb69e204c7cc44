package dev.holdfast.domain.money;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An exact amount of money in KRW (no minor units): a whole number, never a {@code double}.
 * On the wire it is a decimal string. Amounts a client sends are at most 15 digits
 * ({@link #MAX_INPUT}); sums and payouts computed by Holdfast may be larger and stay exact.
 */
public record Amount(BigDecimal value) implements Comparable<Amount> {

    public static final String CURRENCY = "KRW";
    public static final Amount ZERO = new Amount(BigDecimal.ZERO);
    /** The largest amount a client may send: 999,999,999,999,999. */
    public static final Amount MAX_INPUT = new Amount(new BigDecimal("999999999999999"));
    private static final Pattern WIRE = Pattern.compile("0|[1-9][0-9]{0,14}");

    public Amount {
        Objects.requireNonNull(value);
        if (value.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("KRW has no minor units: " + value);
        }
        value = value.setScale(0);
    }

    public static Amount of(long units) {
        return new Amount(BigDecimal.valueOf(units));
    }

    /**
     * Parses a client's amount: a decimal string of 1–15 digits, no sign, no fraction, no exponent,
     * no leading zeros.
     *
     * @throws IllegalArgumentException with the reason, for anything else
     */
    public static Amount parse(String text) {
        if (text == null || !WIRE.matcher(text).matches()) {
            throw new IllegalArgumentException("an amount is a string of 1 to 15 digits in whole KRW, such as \"10000\"");
        }
        return new Amount(new BigDecimal(text));
    }

    public Amount plus(Amount o) {
        return new Amount(value.add(o.value));
    }

    public Amount minus(Amount o) {
        return new Amount(value.subtract(o.value));
    }

    public Amount negate() {
        return new Amount(value.negate());
    }

    public Amount min(Amount o) {
        return compareTo(o) <= 0 ? this : o;
    }

    public boolean isNegative() {
        return value.signum() < 0;
    }

    public boolean isZero() {
        return value.signum() == 0;
    }

    /** The contract's decimal string. */
    public String text() {
        return value.toPlainString();
    }

    @Override
    public String toString() {
        return text();
    }

    @Override
    public int compareTo(Amount o) {
        return value.compareTo(o.value);
    }
}
