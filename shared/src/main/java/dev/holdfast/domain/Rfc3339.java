package dev.holdfast.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The contract's time format: RFC 3339 UTC with milliseconds, {@code 2026-11-21T09:00:00.000Z}. */
public final class Rfc3339 {
    private Rfc3339() {}

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static String format(Instant t) {
        return FORMAT.format(t.truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * RFC 3339's date-time, strictly: a four-digit year, seconds, an optional fraction, and {@code Z}
     * or a {@code ±hh:mm} offset. ISO 8601's extensions ({@code +10000-01-01T00:00:00Z},
     * {@code +999999999-12-31T23:59:59Z}, a missing seconds field) are refused.
     */
    private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})");

    /** The earliest time an admin may give or a feed may carry. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** How far ahead of now an admin may schedule anything (ten years). */
    public static final java.time.Duration LATEST_AHEAD = java.time.Duration.ofDays(3653);

    /** Parses an RFC 3339 instant (with offset); throws {@link DateTimeParseException} if malformed. */
    public static Instant parse(String s) {
        if (s == null || s.length() > 40 || !SHAPE.matcher(s).matches()) {
            throw new DateTimeParseException("not an RFC 3339 date-time with a four-digit year", s == null ? "" : s, 0);
        }
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(s.toUpperCase(java.util.Locale.ROOT), Instant::from);
    }

    /** Whether {@code t} lies in the sane window: from {@link #EARLIEST} to {@link #LATEST_AHEAD} after {@code now}. */
    public static boolean sane(Instant t, Instant now) {
        return !t.isBefore(EARLIEST) && !t.isAfter(now.plus(LATEST_AHEAD));
    }
}
