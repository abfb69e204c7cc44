package dev.holdfast.local.drill;

/**
 * One invariant as a drill checked it: its name, whether it held, and the numbers behind the
 * verdict (what was counted or measured, and the bound it was held to).
 */
public record Check(String invariant, boolean passed, String numbers) {

    public static Check of(String invariant, boolean passed, String numbers) {
        return new Check(invariant, passed, numbers);
    }

    public static Check of(String invariant, boolean passed, String format, Object... args) {
        return new Check(invariant, passed, String.format(java.util.Locale.ROOT, format, args));
    }
}
