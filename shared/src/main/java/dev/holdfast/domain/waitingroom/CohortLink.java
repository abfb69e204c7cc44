package dev.holdfast.domain.waitingroom;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A staged-rollout link: the waiting page's URL with a signed cohort token in its query. The token
 * names the rollout and cohort; opening and closing times are read from the stored cohort, so an
 * admin can move them without reissuing links.
 *
 * <p>This record holds the cohort and its claims ({@link #claims}, {@link #fromClaims}); the signed
 * token and the link are written and verified by {@code dev.holdfast.api.token.CohortLinks}.
 */
public record CohortLink(String rolloutId, String cohortId) {
    static final String USE = "cohort";

    /** The claims to sign, in their wire order. */
    public Map<String, Object> claims() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", AdmissionToken.ISSUER);
        c.put("use", USE);
        c.put("rid", rolloutId);
        c.put("cid", cohortId);
        return c;
    }

    /** The cohort the claims of a genuine (signature-checked) token name; empty for any other token. */
    public static Optional<CohortLink> fromClaims(Map<String, ?> claims) {
        String rid = Claims.text(claims, "rid");
        String cid = Claims.text(claims, "cid");
        if (!AdmissionToken.ISSUER.equals(Claims.text(claims, "iss")) || !USE.equals(Claims.text(claims, "use"))
                || rid.isEmpty() || cid.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CohortLink(rid, cid));
    }
}
