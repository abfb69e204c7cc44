package dev.holdfast.api.token;

import dev.holdfast.domain.waitingroom.CohortLink;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A {@link CohortLink} as issued: a signed token in the waiting page's query ({@code ?c=<token>}). */
public final class CohortLinks {
    private CohortLinks() {}

    public static final String PARAM = "c";

    /** The token alone. */
    public static String token(CohortLink cohort, byte[] secret) {
        return SignedToken.sign(cohort.claims(), secret);
    }

    /** The link as issued: {@code pageUrl} with the token as query parameter {@value #PARAM}. */
    public static String link(CohortLink cohort, String pageUrl, byte[] secret) {
        String sep = pageUrl.contains("?") ? "&" : "?";
        return pageUrl + sep + PARAM + "=" + URLEncoder.encode(token(cohort, secret), StandardCharsets.UTF_8);
    }

    /**
     * The cohort of a link exactly as issued (or of its bare token), if its signature holds; empty for a
     * forged, altered or foreign one.
     */
    public static Optional<CohortLink> verify(String linkOrToken, byte[] secret) {
        if (linkOrToken == null || linkOrToken.length() > 8192) {
            return Optional.empty();
        }
        try {
            return CohortLink.fromClaims(SignedToken.verify(tokenOf(linkOrToken), secret));
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
