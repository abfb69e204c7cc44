package dev.holdfast.domain.risk;

import dev.holdfast.domain.money.Amount;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The post-trade flag rules, as plain values: which pattern windows one accepted order counts in,
 * and what a window must hold to raise its flag. Pure: no I/O, no clock.
 *
 * <p><b>Windows</b> are fixed and aligned to the epoch ({@code floor(at / seconds) × seconds}), so
 * every processor, and every redelivery of a record, puts an order in the same window. A window
 * counts distinct <em>members</em> (orders for a burst, accounts for a shared source); counting a
 * member twice changes nothing, which is what makes the rules idempotent under redelivery. A
 * window raises its flag once, when it first holds {@code threshold} members. (A burst that
 * straddles two windows may go unflagged: the price of counting without a sliding log.)
 *
 * <ul>
 *   <li>{@link FlagPattern#MAX_STAKE_BURST_NEW_ACCOUNTS}: key = market; member = order; counted
 *       when the stake is at least the configured maximum and the account is younger than
 *       {@code accountAgeHours} (its age runs from its first ledger entry; an account without one
 *       is new).</li>
 *   <li>{@link FlagPattern#SHARED_DEVICE} / {@link FlagPattern#SHARED_ADDRESS}: key = the device id
 *       or source address the order came from; member = the account.</li>
 * </ul>
 */
public final class FlagRules {
    private FlagRules() {}

    /** A fixed window of {@code seconds} starting at {@code start}. */
    public record Window(Instant start, int seconds) {
        public Window {
            Objects.requireNonNull(start);
            if (seconds < 1) {
                throw new IllegalArgumentException("a window lasts at least a second");
            }
        }

        /** The window of {@code seconds} holding {@code at}. */
        public static Window of(Instant at, int seconds) {
            long s = Math.floorDiv(at.getEpochSecond(), seconds) * seconds;
            return new Window(Instant.ofEpochSecond(s), seconds);
        }

        public Instant end() {
            return start.plusSeconds(seconds);
        }
    }

    /** What the rules need to know about one accepted order. */
    public record OrderFacts(String orderId, String account, String marketId, Amount stake, Instant createdAt,
                             Optional<Instant> accountOpenedAt, Optional<String> sourceAddress,
                             Optional<String> deviceId) {
        public OrderFacts {
            Objects.requireNonNull(orderId);
            Objects.requireNonNull(account);
            Objects.requireNonNull(marketId);
            Objects.requireNonNull(stake);
            Objects.requireNonNull(createdAt);
            Objects.requireNonNull(accountOpenedAt);
            Objects.requireNonNull(sourceAddress);
            Objects.requireNonNull(deviceId);
        }
    }

    /**
     * One count to make: add {@code member} (and its {@code account}) to the window of
     * {@code pattern} and {@code key}; the window raises its flag at {@code threshold} members.
     */
    public record Count(FlagPattern pattern, String key, Window window, String member, String account, int threshold,
                        Optional<String> marketId) {
        public String flagId() {
            return FlagRules.flagId(pattern, key, window);
        }
    }

    /** Whether an order with this stake is at the maximum stake (so its account's age matters). */
    public static boolean atMaxStake(Amount stake, Amount maxStake) {
        return stake.compareTo(maxStake) >= 0;
    }

    /** Whether an account opened at {@code openedAt} is younger than {@code ageHours} at {@code at}. */
    public static boolean isNewAccount(Optional<Instant> openedAt, Instant at, int ageHours) {
        return openedAt.isEmpty() || Duration.between(openedAt.get(), at).compareTo(Duration.ofHours(ageHours)) < 0;
    }

    /** The counts one accepted order makes under {@code cfg}, with {@code maxStake} the configured maximum. */
    public static List<Count> countsFor(OrderFacts o, RiskConfig.PostTrade cfg, Amount maxStake) {
        List<Count> out = new ArrayList<>();
        RiskConfig.MaxStakeBurst burst = cfg.maxStakeBurst();
        if (atMaxStake(o.stake(), maxStake) && isNewAccount(o.accountOpenedAt(), o.createdAt(), burst.accountAgeHours())) {
            out.add(new Count(FlagPattern.MAX_STAKE_BURST_NEW_ACCOUNTS, o.marketId(),
                    Window.of(o.createdAt(), burst.windowSeconds()), o.orderId(), o.account(), burst.orders(),
                    Optional.of(o.marketId())));
        }
        o.deviceId().ifPresent(d -> out.add(new Count(FlagPattern.SHARED_DEVICE, d,
                Window.of(o.createdAt(), cfg.sharedDevice().windowSeconds()), o.account(), o.account(),
                cfg.sharedDevice().accounts(), Optional.empty())));
        o.sourceAddress().ifPresent(a -> out.add(new Count(FlagPattern.SHARED_ADDRESS, a,
                Window.of(o.createdAt(), cfg.sharedAddress().windowSeconds()), o.account(), o.account(),
                cfg.sharedAddress().accounts(), Optional.empty())));
        return out;
    }

    /** Whether a window holding {@code members} distinct members raises its flag. */
    public static boolean raises(int members, int threshold) {
        return members >= threshold;
    }

    /** The flag's id: the same for the same pattern, key and window, whoever raises it. */
    public static String flagId(FlagPattern pattern, String key, Window window) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] h = sha.digest((pattern.name() + "\n" + key + "\n" + window.start().getEpochSecond() + "\n"
                    + window.seconds()).getBytes(StandardCharsets.UTF_8));
            return "f-" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The flag's human-readable detail. */
    public static String detail(Count c, int members) {
        String what = switch (c.pattern()) {
            case MAX_STAKE_BURST_NEW_ACCOUNTS -> members + " orders at the maximum stake on market " + c.key()
                    + " from new accounts";
            case SHARED_DEVICE -> members + " accounts ordered from device " + c.key();
            case SHARED_ADDRESS -> members + " accounts ordered from address " + c.key();
        };
        return what + " within " + c.window().seconds() + " s (window from " + c.window().start() + ")";
    }
}
