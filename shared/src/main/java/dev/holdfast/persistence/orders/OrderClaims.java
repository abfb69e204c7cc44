package dev.holdfast.persistence.orders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.risk.LimitScope;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An order's exposure claims as stored on the order item, compactly: {@code SCOPE,bucket,amount[,key]}
 * joined by {@code ;}, the scope key left out where the order itself implies it (EVENT:
 * {@code eventId/selectionId}, USER: the owner, GLOBAL: {@code GLOBAL}) and URL-encoded where not.
 * Every order is written in the orders table, both of its indexes and its transaction (2 write units
 * per started KB there): the JSON form cost ~0.5 KB, enough to push an order item past 1 KB. Items
 * written in the JSON form (a leading {@code [}) still read.
 */
public final class OrderClaims {
    private OrderClaims() {}

    static String encode(List<ExposureClaim> claims, String owner, String eventId, String selectionId) {
        StringBuilder b = new StringBuilder();
        for (ExposureClaim c : claims) {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(c.scope().name()).append(',').append(c.bucket()).append(',').append(c.amount().toPlainString());
            if (!c.scopeKey().equals(implied(c.scope(), owner, eventId, selectionId))) {
                b.append(',').append(URLEncoder.encode(c.scopeKey(), StandardCharsets.UTF_8));
            }
        }
        return b.toString();
    }

    public static List<ExposureClaim> decode(String stored, String owner, String eventId, String selectionId) {
        List<ExposureClaim> claims = new ArrayList<>();
        if (stored == null || stored.isEmpty()) {
            return claims;
        }
        if (stored.startsWith("[")) {
            for (JsonNode c : Json.parseTrusted(stored)) {
                claims.add(new ExposureClaim(LimitScope.valueOf(c.path("scope").asText()), c.path("scopeKey").asText(),
                        c.path("bucket").asInt(), new BigDecimal(c.path("amount").asText())));
            }
            return claims;
        }
        for (String part : stored.split(";")) {
            String[] f = part.split(",", 4);
            LimitScope scope = LimitScope.valueOf(f[0]);
            String key = f.length > 3 ? URLDecoder.decode(f[3], StandardCharsets.UTF_8) : implied(scope, owner, eventId, selectionId);
            claims.add(new ExposureClaim(scope, key, Integer.parseInt(f[1]), new BigDecimal(f[2])));
        }
        return claims;
    }

    private static String implied(LimitScope scope, String owner, String eventId, String selectionId) {
        return switch (scope) {
            case EVENT -> eventId + "/" + selectionId;
            case USER -> owner;
            case GLOBAL -> "GLOBAL";
            case SEGMENT -> null;
        };
    }
}
