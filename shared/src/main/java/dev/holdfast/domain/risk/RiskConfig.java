package dev.holdfast.domain.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.Json;
import dev.holdfast.domain.market.FeedFreshness;
import dev.holdfast.domain.money.Amount;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The risk config of the contract's "Risk" section: one immutable, versioned document that admins
 * replace as a whole. Every limit is an exact {@link Amount} (never a {@code double}); on the wire
 * every amount is a decimal string.
 *
 * @param version    assigned by the server: 1 for the initial defaults, then +1 per change
 * @param stake      the smallest and largest stake an order may have
 * @param limits     the open-liability limits per scope (see {@link #limit})
 * @param rateLimits orders per minute per user and per source address
 * @param feed       how old a price may get before orders are refused and the market is suspended
 * @param failClose  how far the risk pipeline may fall behind before trading pauses
 * @param postTrade  the post-trade risk processor's thresholds (optional in JSON: absent means
 *                   {@link PostTrade#DEFAULT})
 */
public record RiskConfig(long version, StakeRange stake, Limits limits, RateLimits rateLimits,
                         FeedFreshness feed, FailClose failClose, PostTrade postTrade) {

    /** The most overrides one scope may have (keeps a config, and its audit record, small). */
    public static final int MAX_OVERRIDES = 200;
    /** The longest id an override may name. */
    public static final int MAX_OVERRIDE_ID = 100;
    /** The longest {@code reason} a change may give. */
    public static final int MAX_REASON = 500;
    public static final int MAX_RATE = 100_000;
    public static final int MAX_SECONDS = 3600;

    /** The contract's example config, version 1: what a platform that never had one starts with. */
    public static final RiskConfig DEFAULT = new RiskConfig(1,
            new StakeRange(Amount.of(1_000), Amount.of(10_000_000)),
            new Limits(Amount.of(5_000_000_000L),
                    new ScopedLimit(Amount.of(100_000_000), Map.of()),
                    new ScopedLimit(Amount.of(50_000_000), Map.of()),
                    new ScopedLimit(Amount.of(200_000_000), Map.of())),
            new RateLimits(60, 600),
            new FeedFreshness(3, 10),
            new FailClose(30),
            PostTrade.DEFAULT);

    public RiskConfig {
        if (version < 1) {
            throw new IllegalArgumentException("versions start at 1");
        }
        Objects.requireNonNull(stake);
        Objects.requireNonNull(limits);
        Objects.requireNonNull(rateLimits);
        Objects.requireNonNull(feed);
        Objects.requireNonNull(failClose);
        Objects.requireNonNull(postTrade);
    }

    /** A config with the default post-trade thresholds (configs from before they existed). */
    public RiskConfig(long version, StakeRange stake, Limits limits, RateLimits rateLimits,
                      FeedFreshness feed, FailClose failClose) {
        this(version, stake, limits, rateLimits, feed, failClose, PostTrade.DEFAULT);
    }

    /** The stake range, {@code min <= max}. */
    public record StakeRange(Amount min, Amount max) {
        public StakeRange {
            Objects.requireNonNull(min);
            Objects.requireNonNull(max);
            if (min.isNegative() || min.compareTo(max) > 0) {
                throw new IllegalArgumentException("need 0 <= stake.min <= stake.max");
            }
        }
    }

    /**
     * One scope's limit: {@code overrides} (id to limit) win over {@code defaultLimit}. The
     * overrides are kept sorted by id, so JSON and diffs come out in a stable order.
     */
    public record ScopedLimit(Amount defaultLimit, Map<String, Amount> overrides) {
        public ScopedLimit {
            Objects.requireNonNull(defaultLimit);
            SortedMap<String, Amount> sorted = new TreeMap<>(overrides);
            sorted.values().forEach(Objects::requireNonNull);
            overrides = Collections.unmodifiableSortedMap(sorted);
        }

        /** The override for {@code id}, else the default. */
        public Amount limitFor(String id) {
            Amount o = id == null ? null : overrides.get(id);
            return o == null ? defaultLimit : o;
        }
    }

    /** The limits of every scope. */
    public record Limits(Amount global, ScopedLimit event, ScopedLimit user, ScopedLimit segment) {
        public Limits {
            Objects.requireNonNull(global);
            Objects.requireNonNull(event);
            Objects.requireNonNull(user);
            Objects.requireNonNull(segment);
        }
    }

    /** Orders per fixed one-minute window, per user ({@code sub}) and per source address. */
    /**
     * Per-minute limits. Orders per user and per source address; waiting-room enters per device
     * (every call) and new places per source address in one cohort (queue stuffing).
     */
    public record RateLimits(int ordersPerUserPerMinute, int ordersPerAddressPerMinute,
                             int entersPerDevicePerMinute, int entersPerAddressPerMinute) {
        public static final int DEFAULT_ENTERS_PER_DEVICE = 30;
        public static final int DEFAULT_ENTERS_PER_ADDRESS = 120;

        public RateLimits {
            if (ordersPerUserPerMinute < 1 || ordersPerUserPerMinute > MAX_RATE
                    || ordersPerAddressPerMinute < 1 || ordersPerAddressPerMinute > MAX_RATE
                    || entersPerDevicePerMinute < 1 || entersPerDevicePerMinute > MAX_RATE
                    || entersPerAddressPerMinute < 1 || entersPerAddressPerMinute > MAX_RATE) {
                throw new IllegalArgumentException("rate limits are 1 to " + MAX_RATE);
            }
        }

        /** Order limits with the default enter limits. */
        public RateLimits(int ordersPerUserPerMinute, int ordersPerAddressPerMinute) {
            this(ordersPerUserPerMinute, ordersPerAddressPerMinute, DEFAULT_ENTERS_PER_DEVICE, DEFAULT_ENTERS_PER_ADDRESS);
        }
    }

    /** Trading pauses ({@code TRADING_HALTED}) while the risk pipeline is further behind than this. */
    public record FailClose(int maxRiskLagSeconds) {
        public FailClose {
            if (maxRiskLagSeconds < 1 || maxRiskLagSeconds > MAX_SECONDS) {
                throw new IllegalArgumentException("maxRiskLagSeconds is 1 to " + MAX_SECONDS);
            }
        }
    }

    /** The longest window a post-trade pattern may count over (a week). */
    public static final int MAX_WINDOW_SECONDS = 7 * 24 * 3600;
    /** The largest count a post-trade pattern may wait for (keeps its window item small). */
    public static final int MAX_PATTERN_COUNT = 1000;
    /** The oldest an account may be and still count as new (a year). */
    public static final int MAX_ACCOUNT_AGE_HOURS = 24 * 365;

    /**
     * The post-trade risk processor's thresholds.
     *
     * @param suspendMarkets             whether passing {@code suspendAtShareOfEventLimit} suspends a market
     * @param suspendAtShareOfEventLimit a market is suspended (cause {@code risk}) once one of its
     *                                   selections' open liability reaches this share of its event
     *                                   limit, in (0, 1]
     * @param maxStakeBurst              {@code orders} orders at the maximum stake on one market
     *                                   within a window, from accounts younger than {@code accountAgeHours}
     * @param sharedDevice               {@code accounts} distinct accounts ordering from one device id in a window
     * @param sharedAddress              {@code accounts} distinct accounts ordering from one source address in a window
     */
    public record PostTrade(boolean suspendMarkets, java.math.BigDecimal suspendAtShareOfEventLimit,
                            MaxStakeBurst maxStakeBurst, SharedSource sharedDevice, SharedSource sharedAddress) {
        /**
         * Defaults: suspend at 90% of an event limit; 5 max-stake orders in 10 minutes on one
         * market from accounts under 24 h old; 5 accounts on one device or 50 on one address
         * within an hour (an address is shared by whole offices and mobile carriers' NATs).
         */
        public static final PostTrade DEFAULT = new PostTrade(true, new java.math.BigDecimal("0.9"),
                new MaxStakeBurst(5, 600, 24), new SharedSource(5, 3600), new SharedSource(50, 3600));

        public PostTrade {
            Objects.requireNonNull(suspendAtShareOfEventLimit);
            Objects.requireNonNull(maxStakeBurst);
            Objects.requireNonNull(sharedDevice);
            Objects.requireNonNull(sharedAddress);
            if (suspendAtShareOfEventLimit.signum() <= 0 || suspendAtShareOfEventLimit.compareTo(java.math.BigDecimal.ONE) > 0) {
                throw new IllegalArgumentException("suspendAtShareOfEventLimit is in (0, 1]");
            }
        }

        /** The same thresholds with market suspension switched on or off. */
        public PostTrade withSuspendMarkets(boolean on) {
            return new PostTrade(on, suspendAtShareOfEventLimit, maxStakeBurst, sharedDevice, sharedAddress);
        }
    }

    /** {@code orders} maximum-stake orders within {@code windowSeconds} from accounts younger than {@code accountAgeHours}. */
    public record MaxStakeBurst(int orders, int windowSeconds, int accountAgeHours) {
        public MaxStakeBurst {
            if (orders < 1 || orders > MAX_PATTERN_COUNT || windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS
                    || accountAgeHours < 0 || accountAgeHours > MAX_ACCOUNT_AGE_HOURS) {
                throw new IllegalArgumentException("maxStakeBurst out of range");
            }
        }
    }

    /** {@code accounts} distinct accounts from one source within {@code windowSeconds}. */
    public record SharedSource(int accounts, int windowSeconds) {
        public SharedSource {
            if (accounts < 2 || accounts > MAX_PATTERN_COUNT || windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
                throw new IllegalArgumentException("shared source thresholds out of range");
            }
        }
    }

    /** The limit of {@code scope} for {@code id} (an override, else the default); GLOBAL ignores id. */
    public Amount limit(LimitScope scope, String id) {
        return switch (scope) {
            case GLOBAL -> limits.global();
            case EVENT -> limits.event().limitFor(id);
            case USER -> limits.user().limitFor(id);
            case SEGMENT -> limits.segment().limitFor(id);
        };
    }

    /** This config under another version number. */
    public RiskConfig withVersion(long v) {
        return new RiskConfig(v, stake, limits, rateLimits, feed, failClose, postTrade);
    }

    /** This config with other post-trade thresholds. */
    public RiskConfig withPostTrade(PostTrade p) {
        return new RiskConfig(version, stake, limits, rateLimits, feed, failClose, p);
    }

    // ---- JSON ----------------------------------------------------------------------------------

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
     * {@value #MAX_REASON} characters. It is kept with the version, not in the config.
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
    public ObjectNode toJson() {
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
