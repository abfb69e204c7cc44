package dev.holdfast.api.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.Json;
import dev.holdfast.domain.market.FeedFreshness;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.risk.RiskConfig.FailClose;
import dev.holdfast.domain.risk.RiskConfig.Limits;
import dev.holdfast.domain.risk.RiskConfig.MaxStakeBurst;
import dev.holdfast.domain.risk.RiskConfig.PostTrade;
import dev.holdfast.domain.risk.RiskConfig.RateLimits;
import dev.holdfast.domain.risk.RiskConfig.ScopedLimit;
import dev.holdfast.domain.risk.RiskConfig.SharedSource;
import dev.holdfast.domain.risk.RiskConfig.StakeRange;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.holdfast.domain.risk.RiskConfig.MAX_ACCOUNT_AGE_HOURS;
import static dev.holdfast.domain.risk.RiskConfig.MAX_OVERRIDES;
import static dev.holdfast.domain.risk.RiskConfig.MAX_OVERRIDE_ID;
import static dev.holdfast.domain.risk.RiskConfig.MAX_PATTERN_COUNT;
import static dev.holdfast.domain.risk.RiskConfig.MAX_RATE;
import static dev.holdfast.domain.risk.RiskConfig.MAX_REASON;
import static dev.holdfast.domain.risk.RiskConfig.MAX_SECONDS;
import static dev.holdfast.domain.risk.RiskConfig.MAX_WINDOW_SECONDS;

/**
 * The contract's JSON of a {@link RiskConfig} (its "Risk" section): the one reader and writer of
 * the document, for the API ({@code PUT}/{@code GET /risk/config}) and for the stored versions
 * (persistence keeps the same document). Everything a client can get wrong is
 * {@code 400 VALIDATION_ERROR} naming the field by its dotted path; the domain record itself
 * knows no JSON.
 */
public final class RiskConfigJson {
    private RiskConfigJson() {}

    private static final Set<String> TOP = Set.of("version", "stake", "limits", "rateLimits", "feed", "failClose",
            "postTrade", "reason");
    private static final Set<String> STAKE = Set.of("min", "max");
    private static final Set<String> LIMITS = Set.of("global", "event", "user", "segment");
    private static final Set<String> SCOPED = Set.of("default", "overrides");
    private static final Set<String> RATES = Set.of("ordersPerUserPerMinute", "ordersPerAddressPerMinute",
            "entersPerDevicePerMinute", "entersPerAddressPerMinute");
    private static final Set<String> FEED = Set.of("keepSeconds", "suspendAfterSeconds", "maxSequenceJump",
            "maxFutureSkewSeconds");
    private static final Set<String> FAIL_CLOSE = Set.of("maxRiskLagSeconds");
    private static final Set<String> POST_TRADE = Set.of("suspendMarkets", "suspendAtShareOfEventLimit", "maxStakeBurst",
            "sharedDevice", "sharedAddress");
    private static final Set<String> BURST = Set.of("orders", "windowSeconds", "accountAgeHours");
    private static final Set<String> SHARED = Set.of("accounts", "windowSeconds");

    /**
     * Reads and validates a whole config in the contract's shape (a {@code PUT} body, or a stored
     * document). Every field must be present, unknown fields are refused, amounts are decimal
     * strings of at most 15 digits. A {@code version} field is ignored ({@code version} is given:
     * the server assigns it) and {@code reason} is allowed but not read here (see {@link #reasonOf}).
     *
     * @throws ApiError {@code 400 VALIDATION_ERROR} with {@code details.field} as a dotted path,
     *                  e.g. {@code stake.min} or {@code limits.event.overrides.e-1}
     */
    public static RiskConfig fromJson(JsonNode body, long version) {
        if (body == null || !body.isObject()) {
            throw ApiError.validation("body", "the body must be a JSON object");
        }
        ObjectNode root = (ObjectNode) body;
        allowOnly(root, "", TOP);

        ObjectNode stakeNode = object(root, "", "stake", STAKE);
        Amount min = amount(stakeNode, "stake", "min");
        Amount max = amount(stakeNode, "stake", "max");
        if (min.compareTo(max) > 0) {
            throw ApiError.validation("stake.min", "'stake.min' must be at most 'stake.max'");
        }

        ObjectNode limitsNode = object(root, "", "limits", LIMITS);
        Amount global = amount(limitsNode, "limits", "global");
        ScopedLimit event = scoped(limitsNode, "event");
        ScopedLimit user = scoped(limitsNode, "user");
        ScopedLimit segment = scoped(limitsNode, "segment");

        ObjectNode ratesNode = object(root, "", "rateLimits", RATES);
        int perUser = integer(ratesNode, "rateLimits", "ordersPerUserPerMinute", 1, MAX_RATE);
        int perAddress = integer(ratesNode, "rateLimits", "ordersPerAddressPerMinute", 1, MAX_RATE);
        // optional (added later): absent means the default
        int entersPerDevice = ratesNode.hasNonNull("entersPerDevicePerMinute")
                ? integer(ratesNode, "rateLimits", "entersPerDevicePerMinute", 1, MAX_RATE) : RateLimits.DEFAULT_ENTERS_PER_DEVICE;
        int entersPerAddress = ratesNode.hasNonNull("entersPerAddressPerMinute")
                ? integer(ratesNode, "rateLimits", "entersPerAddressPerMinute", 1, MAX_RATE) : RateLimits.DEFAULT_ENTERS_PER_ADDRESS;

        ObjectNode feedNode = object(root, "", "feed", FEED);
        int keep = integer(feedNode, "feed", "keepSeconds", 1, MAX_SECONDS);
        int suspend = integer(feedNode, "feed", "suspendAfterSeconds", 1, MAX_SECONDS);
        if (keep > suspend) {
            throw ApiError.validation("feed.keepSeconds", "'feed.keepSeconds' must be at most 'feed.suspendAfterSeconds'");
        }
        // optional (added later): absent means the default bound
        long maxJump = FeedFreshness.DEFAULT_MAX_SEQUENCE_JUMP;
        if (feedNode.hasNonNull("maxSequenceJump")) {
            JsonNode j = feedNode.get("maxSequenceJump");
            if (!j.isIntegralNumber() || !j.canConvertToLong() || j.longValue() < 1
                    || j.longValue() > FeedFreshness.MAX_MAX_SEQUENCE_JUMP) {
                throw ApiError.validation("feed.maxSequenceJump",
                        "'feed.maxSequenceJump' must be a whole number from 1 to " + FeedFreshness.MAX_MAX_SEQUENCE_JUMP);
            }
            maxJump = j.longValue();
        }
        int maxSkew = feedNode.hasNonNull("maxFutureSkewSeconds")
                ? integer(feedNode, "feed", "maxFutureSkewSeconds", 0, FeedFreshness.MAX_MAX_FUTURE_SKEW_SECONDS)
                : FeedFreshness.DEFAULT_MAX_FUTURE_SKEW_SECONDS;

        ObjectNode failNode = object(root, "", "failClose", FAIL_CLOSE);
        int maxLag = integer(failNode, "failClose", "maxRiskLagSeconds", 1, MAX_SECONDS);

        PostTrade postTrade = root.hasNonNull("postTrade") ? postTrade(root) : PostTrade.DEFAULT;

        return new RiskConfig(version, new StakeRange(min, max), new Limits(global, event, user, segment),
                new RateLimits(perUser, perAddress, entersPerDevice, entersPerAddress), new FeedFreshness(keep, suspend, maxJump, maxSkew), new FailClose(maxLag), postTrade);
    }

    private static PostTrade postTrade(ObjectNode root) {
        ObjectNode n = object(root, "", "postTrade", POST_TRADE);
        JsonNode on = required(n, "postTrade", "suspendMarkets");
        if (!on.isBoolean()) {
            throw ApiError.validation("postTrade.suspendMarkets", "'postTrade.suspendMarkets' must be true or false");
        }
        String sp = "postTrade.suspendAtShareOfEventLimit";
        JsonNode shareNode = required(n, "postTrade", "suspendAtShareOfEventLimit");
        java.math.BigDecimal share;
        try {
            if (!shareNode.isTextual() || !shareNode.textValue().matches("[0-9]{1,3}(\\.[0-9]{1,6})?")) {
                throw new NumberFormatException();
            }
            share = new java.math.BigDecimal(shareNode.textValue());
        } catch (NumberFormatException e) {
            throw ApiError.validation(sp, "'" + sp + "' is a decimal string in (0, 1], such as \"0.9\"");
        }
        if (share.signum() <= 0 || share.compareTo(java.math.BigDecimal.ONE) > 0) {
            throw ApiError.validation(sp, "'" + sp + "' must be more than 0 and at most 1");
        }
        ObjectNode b = object(n, "postTrade", "maxStakeBurst", BURST);
        MaxStakeBurst burst = new MaxStakeBurst(
                integer(b, "postTrade.maxStakeBurst", "orders", 1, MAX_PATTERN_COUNT),
                integer(b, "postTrade.maxStakeBurst", "windowSeconds", 1, MAX_WINDOW_SECONDS),
                integer(b, "postTrade.maxStakeBurst", "accountAgeHours", 0, MAX_ACCOUNT_AGE_HOURS));
        return new PostTrade(on.booleanValue(), share, burst, sharedSource(n, "sharedDevice"), sharedSource(n, "sharedAddress"));
    }

    private static SharedSource sharedSource(ObjectNode postTrade, String field) {
        String p = path("postTrade", field);
        ObjectNode n = object(postTrade, "postTrade", field, SHARED);
        return new SharedSource(integer(n, p, "accounts", 2, MAX_PATTERN_COUNT),
                integer(n, p, "windowSeconds", 1, MAX_WINDOW_SECONDS));
    }

    /**
     * The required {@code reason} of a {@code PUT} body: a non-blank string of at most
     * {@value RiskConfig#MAX_REASON} characters. It is kept with the version, not in the config.
     */
    public static String reasonOf(JsonNode body) {
        JsonNode v = body == null ? null : body.get("reason");
        if (v == null || v.isNull()) {
            throw ApiError.validation("reason", "'reason' is required: say why the config changes");
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw ApiError.validation("reason", "'reason' must be a non-blank string");
        }
        if (v.textValue().length() > MAX_REASON) {
            throw ApiError.validation("reason", "'reason' must be at most " + MAX_REASON + " characters");
        }
        return v.textValue();
    }

    /** The contract's JSON, {@code version} included; amounts are decimal strings. */
    public static ObjectNode toJson(RiskConfig config) {
        long version = config.version();
        StakeRange stake = config.stake();
        Limits limits = config.limits();
        RateLimits rateLimits = config.rateLimits();
        FeedFreshness feed = config.feed();
        FailClose failClose = config.failClose();
        PostTrade postTrade = config.postTrade();
        ObjectNode n = Json.object();
        n.put("version", version);
        ObjectNode s = n.putObject("stake");
        s.put("min", stake.min().text());
        s.put("max", stake.max().text());
        ObjectNode l = n.putObject("limits");
        l.put("global", limits.global().text());
        l.set("event", scopedJson(limits.event()));
        l.set("user", scopedJson(limits.user()));
        l.set("segment", scopedJson(limits.segment()));
        ObjectNode r = n.putObject("rateLimits");
        r.put("ordersPerUserPerMinute", rateLimits.ordersPerUserPerMinute());
        r.put("ordersPerAddressPerMinute", rateLimits.ordersPerAddressPerMinute());
        r.put("entersPerDevicePerMinute", rateLimits.entersPerDevicePerMinute());
        r.put("entersPerAddressPerMinute", rateLimits.entersPerAddressPerMinute());
        ObjectNode f = n.putObject("feed");
        f.put("keepSeconds", feed.keepSeconds());
        f.put("suspendAfterSeconds", feed.suspendAfterSeconds());
        f.put("maxSequenceJump", feed.maxSequenceJump());
        f.put("maxFutureSkewSeconds", feed.maxFutureSkewSeconds());
        n.putObject("failClose").put("maxRiskLagSeconds", failClose.maxRiskLagSeconds());
        ObjectNode p = n.putObject("postTrade");
        p.put("suspendMarkets", postTrade.suspendMarkets());
        p.put("suspendAtShareOfEventLimit", postTrade.suspendAtShareOfEventLimit().toPlainString());
        ObjectNode b = p.putObject("maxStakeBurst");
        b.put("orders", postTrade.maxStakeBurst().orders());
        b.put("windowSeconds", postTrade.maxStakeBurst().windowSeconds());
        b.put("accountAgeHours", postTrade.maxStakeBurst().accountAgeHours());
        p.putObject("sharedDevice").put("accounts", postTrade.sharedDevice().accounts())
                .put("windowSeconds", postTrade.sharedDevice().windowSeconds());
        p.putObject("sharedAddress").put("accounts", postTrade.sharedAddress().accounts())
                .put("windowSeconds", postTrade.sharedAddress().windowSeconds());
        return n;
    }

    private static ObjectNode scopedJson(ScopedLimit s) {
        ObjectNode n = Json.object();
        n.put("default", s.defaultLimit().text());
        ObjectNode o = n.putObject("overrides");
        s.overrides().forEach((id, a) -> o.put(id, a.text()));
        return n;
    }

    private static String path(String parent, String field) {
        return parent.isEmpty() ? field : parent + "." + field;
    }

    private static void allowOnly(ObjectNode node, String parent, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiError.validation(path(parent, f), "unknown field '" + path(parent, f) + "'");
            }
        }
    }

    private static JsonNode required(ObjectNode parent, String parentPath, String field) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            throw ApiError.validation(path(parentPath, field), "'" + path(parentPath, field) + "' is required");
        }
        return v;
    }

    private static ObjectNode object(ObjectNode parent, String parentPath, String field, Set<String> allowed) {
        JsonNode v = required(parent, parentPath, field);
        String p = path(parentPath, field);
        if (!v.isObject()) {
            throw ApiError.validation(p, "'" + p + "' must be an object");
        }
        allowOnly((ObjectNode) v, p, allowed);
        return (ObjectNode) v;
    }

    private static Amount amount(ObjectNode parent, String parentPath, String field) {
        return amount(required(parent, parentPath, field), path(parentPath, field));
    }

    private static Amount amount(JsonNode v, String p) {
        if (!v.isTextual()) {
            throw ApiError.validation(p, "'" + p + "' is a decimal string, such as \"10000\"");
        }
        try {
            return Amount.parse(v.textValue());
        } catch (IllegalArgumentException e) {
            throw ApiError.validation(p, "'" + p + "': " + e.getMessage());
        }
    }

    private static int integer(ObjectNode parent, String parentPath, String field, int lo, int hi) {
        JsonNode v = required(parent, parentPath, field);
        String p = path(parentPath, field);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < lo || v.intValue() > hi) {
            throw ApiError.validation(p, "'" + p + "' must be a whole number from " + lo + " to " + hi);
        }
        return v.intValue();
    }

    private static ScopedLimit scoped(ObjectNode limitsNode, String scope) {
        String p = path("limits", scope);
        ObjectNode n = object(limitsNode, "limits", scope, SCOPED);
        Amount dflt = amount(n, p, "default");
        JsonNode o = required(n, p, "overrides");
        String op = path(p, "overrides");
        if (!o.isObject()) {
            throw ApiError.validation(op, "'" + op + "' must be an object of id to amount");
        }
        if (o.size() > MAX_OVERRIDES) {
            throw ApiError.validation(op, "'" + op + "' may hold at most " + MAX_OVERRIDES + " entries");
        }
        Map<String, Amount> overrides = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String id = e.getKey();
            String ip = path(op, id);
            if (id.isBlank() || id.length() > MAX_OVERRIDE_ID) {
                throw ApiError.validation(ip, "an override id is 1 to " + MAX_OVERRIDE_ID + " non-blank characters");
            }
            if (e.getValue() == null || e.getValue().isNull()) {
                throw ApiError.validation(ip, "'" + ip + "' is a decimal string, such as \"10000\"");
            }
            overrides.put(id, amount(e.getValue(), ip));
        }
        return new ScopedLimit(dflt, overrides);
    }
}
