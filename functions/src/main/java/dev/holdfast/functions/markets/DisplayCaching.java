package dev.holdfast.functions.markets;

import dev.holdfast.domain.market.CurrentPrice;
import dev.holdfast.domain.market.Market;
import dev.holdfast.functions.http.HttpRequest;
import dev.holdfast.functions.http.HttpResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Edge caching of the display reads ({@code GET /markets/{id}}, {@code GET /markets}): a
 * {@code Cache-Control} of at most one second that lets a shared cache (CloudFront) serve it, and a
 * strong {@code ETag} computed from what the body is made of — each market's {@code revision}
 * (every stored change of it), its {@code priceVersion} and the price's refresh time
 * ({@code receivedAt}) — so the same tag always means the same bytes. {@code If-None-Match} with a
 * current tag answers {@code 304} without a body.
 *
 * <p>What a client displays is never what an order is checked against: the order path reads the
 * market at commit, whatever a cache served.
 */
public final class DisplayCaching {
    /** One second: a price shown from the edge is at most this much older than the table's. */
    public static final String CACHE_CONTROL = "public, max-age=1";

    private DisplayCaching() {}

    static String part(Market m) {
        Optional<CurrentPrice> p = m.price();
        return m.marketId() + ":" + m.revision() + ":" + p.map(CurrentPrice::priceVersion).orElse(0L)
                + ":" + p.map(c -> c.receivedAt().toEpochMilli()).orElse(0L);
    }

    /** The tag of one market: {@code "<revision>-<priceVersion>-<receivedAt ms>"}. */
    public static String etag(Market m) {
        Optional<CurrentPrice> p = m.price();
        return "\"" + m.revision() + "-" + p.map(CurrentPrice::priceVersion).orElse(0L) + "-"
                + p.map(c -> c.receivedAt().toEpochMilli()).orElse(0L) + "\"";
    }

    /** The tag of a page of markets (and its cursor): a digest of each market's parts. */
    public static String etag(List<Market> page, Optional<String> nextCursor, String query) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(query.getBytes(StandardCharsets.UTF_8));
            for (Market m : page) {
                d.update((byte) '|');
                d.update(part(m).getBytes(StandardCharsets.UTF_8));
            }
            d.update((byte) '#');
            d.update(nextCursor.orElse("").getBytes(StandardCharsets.UTF_8));
            byte[] h = d.digest();
            return "\"l-" + HexFormat.of().formatHex(h, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code If-None-Match} names {@code etag} (or {@code *}); weak tags compare by their value. */
    static boolean matches(Optional<String> ifNoneMatch, String etag) {
        if (ifNoneMatch.isEmpty()) {
            return false;
        }
        for (String candidate : ifNoneMatch.get().split(",")) {
            String c = candidate.trim();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** {@code 304} if the client has {@code etag}, else {@code ok}; both with the caching headers. */
    public static HttpResponse answer(HttpRequest request, String etag, HttpResponse ok) {
        HttpResponse r = matches(request.header("If-None-Match"), etag) ? new HttpResponse(304, null, java.util.Map.of()) : ok;
        return r.withHeader("ETag", etag).withHeader("Cache-Control", CACHE_CONTROL);
    }
}
