package dev.holdfast.functions.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.Json;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.live.ClientAction;
import dev.holdfast.domain.live.LiveChange;
import dev.holdfast.domain.live.Subscriptions;
import dev.holdfast.domain.market.CurrentPrice;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The live-price protocol's JSON: client actions in, typed server messages out. */
public final class LiveJson {
    private LiveJson() {}

    /** What a market id can look like; anything else is a VALIDATION_ERROR, never a lookup. */
    static final Pattern MARKET_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Reads a client message; anything malformed is {@code VALIDATION_ERROR} naming the field. */
    public static ClientAction parse(String body) {
        RequestBody b = RequestBody.parse(body);
        String action = b.optionalString("action", 32)
                .orElseThrow(() -> ApiError.validation("action", "'action' is required: one of " + ClientAction.ROUTES));
        return switch (action) {
            case "subscribe" -> new ClientAction.Subscribe(marketIds(b.allowOnly(Set.of("action", "marketIds"))));
            case "unsubscribe" -> new ClientAction.Unsubscribe(marketIds(b.allowOnly(Set.of("action", "marketIds"))));
            case "resume" -> {
                b.allowOnly(Set.of("action", "marketId", "sequence"));
                String id = marketId(b.requiredString("marketId", 64), "marketId");
                long seq = b.optionalLong("sequence", 0, Long.MAX_VALUE)
                        .orElseThrow(() -> ApiError.validation("sequence", "'sequence' is required"));
                yield new ClientAction.Resume(id, seq);
            }
            case "ping" -> {
                b.allowOnly(Set.of("action"));
                yield new ClientAction.Ping();
            }
            default -> throw ApiError.validation("action", "'action' must be one of " + ClientAction.ROUTES);
        };
    }

    private static List<String> marketIds(RequestBody b) {
        List<String> ids = b.optionalStringList("marketIds", Subscriptions.MAX_PER_MESSAGE, 64);
        if (ids.isEmpty()) {
            throw ApiError.validation("marketIds", "'marketIds' must name 1 to " + Subscriptions.MAX_PER_MESSAGE + " markets");
        }
        ids.forEach(id -> marketId(id, "marketIds"));
        return ids;
    }

    private static String marketId(String id, String field) {
        if (!MARKET_ID.matcher(id).matches()) {
            throw ApiError.validation(field, "'" + id + "' is not a market id");
        }
        return id;
    }

    public static ObjectNode price(CurrentPrice p) {
        ObjectNode price = Json.object();
        price.put("priceVersion", p.priceVersion());
        ObjectNode odds = price.putObject("odds");
        p.odds().forEach((k, v) -> odds.put(k, v.text()));
        price.put("publishedAt", Rfc3339.format(p.publishedAt()));
        price.put("sourceTimestamp", Rfc3339.format(p.sourceTimestamp()));
        price.put("receivedAt", Rfc3339.format(p.receivedAt()));
        return price;
    }

    /** A snapshot, price or state message. */
    public static String message(LiveChange c) {
        ObjectNode n = Json.object();
        if (c instanceof LiveChange.Snapshot s) {
                n.put("type", "snapshot");
                n.put("marketId", s.marketId());
                n.put("sequence", s.sequence());
                n.put("state", s.state().name());
                n.put("stateReason", s.stateReason());
                Optional<CurrentPrice> p = s.price();
                if (p.isPresent()) {
                    n.set("price", price(p.get()));
                } else {
                    n.putNull("price");
                }
                s.resumed().ifPresent(r -> n.put("resumed", r));
        } else if (c instanceof LiveChange.Price p) {
                n.put("type", "price");
                n.put("marketId", p.marketId());
                n.put("sequence", p.sequence());
                n.set("price", price(p.price()));
        } else if (c instanceof LiveChange.State s) {
                n.put("type", "state");
                n.put("marketId", s.marketId());
                n.put("sequence", s.sequence());
                n.put("state", s.state().name());
                n.put("stateReason", s.stateReason());
        }
        return Json.write(n);
    }

    public static String heartbeat(Instant at) {
        ObjectNode n = Json.object();
        n.put("type", "heartbeat");
        n.put("at", Rfc3339.format(at));
        return Json.write(n);
    }

    /** {@code {"type": "error", "error": {"code", "message", "details"}}}. */
    public static String error(ApiError e) {
        ObjectNode n = Json.object();
        n.put("type", "error");
        n.setAll(e.body());
        return Json.write(n);
    }
}
