package dev.holdfast.domain.waitingroom;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;

import java.time.Instant;

/**
 * The waiting room's admission: a signed JWT bound to one ticket ({@code sub} = {@code jti} =
 * ticket id, {@code aud} = {@code <rolloutId>/<cohortId>}), short-lived ({@code exp}), good for one
 * signup (the signup path records its use against the ticket id, conditionally, once).
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

    public String sign(byte[] secret) {
        ObjectNode c = Json.object();
        c.put("iss", ISSUER);
        c.put("use", USE);
        c.put("sub", ticketId);
        c.put("jti", ticketId);
        c.put("aud", rolloutId + "/" + cohortId);
        c.put("iat", issuedAt.getEpochSecond());
        c.put("exp", expiresAt.getEpochSecond());
        return SignedToken.sign(c, secret);
    }

    /**
     * The admission a token carries, if it is genuine and not expired at {@code now}.
     *
     * @throws Refused {@link Refusal#INVALID} for anything forged, altered or not an admission
     *                 token; {@link Refusal#EXPIRED} once {@code now >= exp}
     */
    public static AdmissionToken verify(String token, byte[] secret, Instant now) {
        ObjectNode c;
        try {
            c = SignedToken.verify(token, secret);
        } catch (SignedToken.Invalid e) {
            throw new Refused(Refusal.INVALID, e.getMessage());
        }
        if (!ISSUER.equals(c.path("iss").asText()) || !USE.equals(c.path("use").asText())
                || !c.path("exp").canConvertToLong() || !c.path("iat").canConvertToLong()) {
            throw new Refused(Refusal.INVALID, "not an admission token");
        }
        String ticket = c.path("sub").asText("");
        String[] aud = c.path("aud").asText("").split("/", -1);
        if (ticket.isEmpty() || !ticket.equals(c.path("jti").asText()) || aud.length != 2) {
            throw new Refused(Refusal.INVALID, "not an admission token");
        }
        AdmissionToken t = new AdmissionToken(ticket, aud[0], aud[1],
                Instant.ofEpochSecond(c.path("iat").asLong()), Instant.ofEpochSecond(c.path("exp").asLong()));
        if (!now.isBefore(t.expiresAt())) {
            throw new Refused(Refusal.EXPIRED, "the admission expired at " + t.expiresAt());
        }
        return t;
    }
}
