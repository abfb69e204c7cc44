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

    /** Parses any RFC 3339 instant (with offset); throws {@link DateTimeParseException} if malformed. */
    public static Instant parse(String s) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(s, Instant::from);
    }
}
