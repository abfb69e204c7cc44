package dev.holdfast.api.token;

import dev.holdfast.domain.waitingroom.AdmissionToken;

import java.time.Instant;

/** An {@link AdmissionToken} as the signed JWT the waiting room hands out and the signup path verifies. */
public final class AdmissionTokens {
    private AdmissionTokens() {}

    public static String sign(AdmissionToken token, byte[] secret) {
        return SignedToken.sign(token.claims(), secret);
    }

    /**
     * The admission a token carries, if it is genuine and not expired at {@code now}.
     *
     * @throws AdmissionToken.Refused {@link AdmissionToken.Refusal#INVALID} for anything forged,
     *                                altered or not an admission token; {@link AdmissionToken.Refusal#EXPIRED}
     *                                once {@code now >= exp}
     */
    public static AdmissionToken verify(String token, byte[] secret, Instant now) {
        try {
            return AdmissionToken.fromClaims(SignedToken.verify(token, secret), now);
        } catch (SignedToken.Invalid e) {
            throw new AdmissionToken.Refused(AdmissionToken.Refusal.INVALID, e.getMessage());
        }
    }
}
