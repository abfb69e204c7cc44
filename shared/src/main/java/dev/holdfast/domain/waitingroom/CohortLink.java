package dev.holdfast.domain.waitingroom;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A staged-rollout link: the waiting page's URL with a signed cohort token in its query
 * ({@code ?c=<token>}). The token names the rollout and cohort; opening and closing times are read
 * from the stored cohort, so an admin can move them without reissuing links.
 */
public record CohortLink(String rolloutId, String cohortId) {
    public static final String PARAM = "c";
    static final String USE = "cohort";

    /** The token alone. */
    public String token(byte[] secret) {
        ObjectNode c = Json.object();
        c.put("iss", AdmissionToken.ISSUER);
        c.put("use", USE);
        c.put("rid", rolloutId);
        c.put("cid", cohortId);
        return SignedToken.sign(c, secret);
    }

    /** The link as issued: {@code pageUrl} with the token as query parameter {@value #PARAM}. */
    public String link(String pageUrl, byte[] secret) {
        String sep = pageUrl.contains("?") ? "&" : "?";
        return pageUrl + sep + PARAM + "=" + URLEncoder.encode(token(secret), StandardCharsets.UTF_8);
    }

    /**
     * The cohort of a link exactly as issued (or of its bare token), if its signature holds; empty for a
     * forged, altered or foreign one.
     */
    public static Optional<CohortLink> verify(String linkOrToken, byte[] secret) {
        if (linkOrToken == null || linkOrToken.length() > 8192) {
            return Optional.empty();
        }
        String token = tokenOf(linkOrToken);
        try {
            ObjectNode c = SignedToken.verify(token, secret);
            if (!AdmissionToken.ISSUER.equals(c.path("iss").asText()) || !USE.equals(c.path("use").asText())
                    || c.path("rid").asText("").isEmpty() || c.path("cid").asText("").isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new CohortLink(c.path("rid").asText(), c.path("cid").asText()));
        } catch (SignedToken.Invalid e) {
            return Optional.empty();
        }
    }

    private static String tokenOf(String link) {
        int q = link.indexOf('?');
        if (q < 0) {
            return link;
        }
        String query = link.substring(q + 1);
        int hash = query.indexOf('#');
        if (hash >= 0) {
            query = query.substring(0, hash);
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(PARAM + "=")) {
                try {
                    return URLDecoder.decode(pair.substring(PARAM.length() + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return "";
                }
            }
        }
        return "";
    }
}
