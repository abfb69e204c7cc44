package dev.holdfast.domain.risk;

import dev.holdfast.domain.market.FeedFreshness;
import dev.holdfast.domain.money.Amount;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The risk config of the contract's "Risk" section: one immutable, versioned document that admins
 * replace as a whole. Every limit is an exact {@link Amount} (never a {@code double}); on the wire
 * every amount is a decimal string (the contract's JSON is read and written by
 * {@code dev.holdfast.api.risk.RiskConfigJson}, outside the domain).
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
}
