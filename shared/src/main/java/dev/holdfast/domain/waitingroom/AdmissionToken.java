package dev.holdfast.domain.waitingroom;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The waiting room's admission: a signed JWT bound to one ticket ({@code sub} = {@code jti} =
 * ticket id, {@code aud} = {@code <rolloutId>/<cohortId>}), short-lived ({@code exp}), good for one
 * signup (the signup path records its use against the ticket id, conditionally, once).
 *
 * <p>This record holds the admission and its rules ({@link #claims}, {@link #fromClaims}); the
 * signed wire form is written and verified by {@code dev.holdfast.api.token.AdmissionTokens}.
 */
public record AdmissionToken(String ticketId, String rolloutId, String cohortId, Instant issuedAt, Instant expiresAt) {
    public static final String ISSUER = "holdfast-waiting-room";
    static final String USE = "admission";

    /** Why a presented token is refused: contract codes {@code UNAUTHENTICATED} and {@code ADMISSION_EXPIRED}. */
    public enum Refusal { INVALID, EXPIRED }

    /** A refused token. */
    public static final class Refused extends RuntimeException {
        private final Refusal refusal;

        public Refused(Refusal refusal, String message) {
            super(message, null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** The claims to sign, in their wire order; values are strings and whole seconds. */
    public Map<String, Object> claims() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", ISSUER);
        c.put("use", USE);
        c.put("sub", ticketId);
        c.put("jti", ticketId);
        c.put("aud", rolloutId + "/" + cohortId);
        c.put("iat", issuedAt.getEpochSecond());
        c.put("exp", expiresAt.getEpochSecond());
        return c;
    }

    /**
     * The admission the claims of a genuine (signature-checked) token carry, if it is one and not
     * expired at {@code now}.
     *
     * @param claims strings as {@link String}, whole numbers as {@link Long}
     * @throws Refused {@link Refusal#INVALID} for anything not an admission; {@link Refusal#EXPIRED}
     *                 once {@code now >= exp}
     */
    public static AdmissionToken fromClaims(Map<String, ?> claims, Instant now) {
        if (!ISSUER.equals(Claims.text(claims, "iss")) || !USE.equals(Claims.text(claims, "use"))
                || !(claims.get("exp") instanceof Long exp) || !(claims.get("iat") instanceof Long iat)) {
            throw new Refused(Refusal.INVALID, "not an admission token");
        }
        String ticket = Claims.text(claims, "sub");
        String[] aud = Claims.text(claims, "aud").split("/", -1);
        if (ticket.isEmpty() || !ticket.equals(Claims.text(claims, "jti")) || aud.length != 2) {
            throw new Refused(Refusal.INVALID, "not an admission token");
        }
        AdmissionToken t = new AdmissionToken(ticket, aud[0], aud[1], Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp));
        if (!now.isBefore(t.expiresAt())) {
            throw new Refused(Refusal.EXPIRED, "the admission expired at " + t.expiresAt());
        }
        return t;
    }
}
