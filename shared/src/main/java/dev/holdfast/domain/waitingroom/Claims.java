package dev.holdfast.domain.waitingroom;

import java.util.Map;

/** Reading the claims of a verified token: a missing claim reads as empty text. */
final class Claims {
    private Claims() {}

    /** The claim as text ({@code ""} when absent); a number or boolean reads as its spelling. */
    static String text(Map<String, ?> claims, String name) {
        Object v = claims.get(name);
        return v == null ? "" : v.toString();
    }
}
