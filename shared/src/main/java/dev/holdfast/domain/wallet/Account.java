package dev.holdfast.domain.wallet;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An account's balances: the stored view of its ledger (each fund's balance is the sum of that
 * fund's entries; reconciliation can rebuild it). Pure: every operation returns a {@link Posting}
 * (the balance change and the entries that explain it) and changes nothing itself; the store
 * commits a posting only if the account is still at {@link #revision()}.
 *
 * <p>Invariants, checked here and property-tested: no balance is ever negative; each fund's
 * balance equals the sum of its entries' amounts, and {@code heldForWithdrawal} the sum of their
 * {@code heldChange}; every entry's {@code balanceAfter} is that
 * running sum; entry sequence numbers run 1, 2, 3… without gaps.
 *
 * <p><b>Which fund pays a stake:</b> BONUS first, then CASH for the rest — one STAKE entry per
 * fund actually debited.
 *
 * @param accountId         the owner's {@code sub}
 * @param cash              withdrawable money (excluding cash held for pending withdrawals)
 * @param bonus             money that trades like cash but can't be withdrawn
 * @param heldForWithdrawal cash set aside for pending withdrawals
 * @param openExposure      the sum of the stakes of the account's open (unsettled) orders
 * @param ledgerSeq         the sequence number of the newest entry, 0 when there is none
 * @param revision          the stored revision; 0 means the account was never stored
 */
public record Account(String accountId, Amount cash, Amount bonus, Amount heldForWithdrawal, Amount openExposure,
                      long ledgerSeq, long revision) {

    public Account {
        Objects.requireNonNull(accountId);
        Objects.requireNonNull(cash);
        Objects.requireNonNull(bonus);
        Objects.requireNonNull(heldForWithdrawal);
        Objects.requireNonNull(openExposure);
        if (cash.isNegative() || bonus.isNegative() || heldForWithdrawal.isNegative() || openExposure.isNegative()) {
            throw new IllegalArgumentException("an account balance is never negative: " + accountId);
        }
        if (ledgerSeq < 0 || revision < 0) {
            throw new IllegalArgumentException("ledgerSeq and revision start at 0");
        }
    }

    /** An account that does not exist yet: all zeros, revision 0. */
    public static Account empty(String accountId) {
        return new Account(accountId, Amount.ZERO, Amount.ZERO, Amount.ZERO, Amount.ZERO, 0, 0);
    }

    /** The balance of one fund. */
    public Amount balance(Fund fund) {
        return fund == Fund.CASH ? cash : bonus;
    }

    /** What an account can stake: cash plus bonus. */
    public Amount spendable() {
        return cash.plus(bonus);
    }

    /** Thrown by {@link #stake} when cash + bonus does not cover the stake. Nothing changed. */
    public static final class InsufficientFunds extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InsufficientFunds(String accountId, Amount stake, Amount spendable) {
            super("account " + accountId + " can stake " + spendable + ", not " + stake, null, false, false);
        }
    }

    // ------------------------------------------------------------------------------ operations

    /** Adds {@code amount} (more than 0) to {@code fund}: one CREDIT entry. */
    public Posting credit(Fund fund, Amount amount, Instant at) {
        requirePositive(amount, "a credit");
        return post(List.of(new Move(EntryType.CREDIT, fund, amount, null, null, Amount.ZERO)), Amount.ZERO, at);
    }

    /**
     * Takes an order's stake, BONUS first, then CASH for the rest: one STAKE entry per fund
     * actually debited (negative amounts), and {@code openExposure} grows by the stake.
     *
     * @throws InsufficientFunds when cash + bonus is less than {@code stake}
     */
    public Posting stake(String orderId, Amount stake, Instant at) {
        Objects.requireNonNull(orderId);
        requirePositive(stake, "a stake");
        if (spendable().compareTo(stake) < 0) {
            throw new InsufficientFunds(accountId, stake, spendable());
        }
        Amount fromBonus = bonus.min(stake);
        Amount fromCash = stake.minus(fromBonus);
        List<Move> moves = new ArrayList<>(2);
        if (!fromBonus.isZero()) {
            moves.add(new Move(EntryType.STAKE, Fund.BONUS, fromBonus.negate(), orderId, null, Amount.ZERO));
        }
        if (!fromCash.isZero()) {
            moves.add(new Move(EntryType.STAKE, Fund.CASH, fromCash.negate(), orderId, null, Amount.ZERO));
        }
        return post(moves, stake, at);
    }

    /**
     * Pays a won order's payout into {@code fund}: one PAYOUT entry. Combine with
     * {@link #releaseExposure} through {@link Posting#andThen} to settle in one commit.
     */
    public Posting payout(String orderId, Fund fund, Amount amount, Instant at) {
        Objects.requireNonNull(orderId);
        requirePositive(amount, "a payout");
        return post(List.of(new Move(EntryType.PAYOUT, fund, amount, orderId, null, Amount.ZERO)), Amount.ZERO, at);
    }

    /** Gives a voided order's stake (or the part of it that came from {@code fund}) back: one REFUND entry. */
    public Posting refund(String orderId, Fund fund, Amount amount, Instant at) {
        Objects.requireNonNull(orderId);
        requirePositive(amount, "a refund");
        return post(List.of(new Move(EntryType.REFUND, fund, amount, orderId, null, Amount.ZERO)), Amount.ZERO, at);
    }

    /**
     * Settles a won order: each fund gets back the part of the stake it paid, and the winnings
     * ({@code payout − stake}) go to CASH — so a bonus stake stays bonus and only winnings become
     * withdrawable. One PAYOUT entry per fund credited; the order's stake leaves
     * {@code openExposure}. One posting, one conditional write.
     *
     * @param stakeByFund how much of the stake each fund paid (the order's {@code funds})
     */
    public Posting settleWon(String orderId, Map<Fund, Amount> stakeByFund, Amount stake, Amount payout, Instant at) {
        Objects.requireNonNull(orderId);
        requirePositive(stake, "a stake");
        if (payout.compareTo(stake) < 0) {
            throw new IllegalArgumentException("a won order pays at least its stake: " + payout + " < " + stake);
        }
        Amount fromBonus = stakePart(orderId, stakeByFund, stake, Fund.BONUS);
        Amount toCash = stakeByFund.getOrDefault(Fund.CASH, Amount.ZERO).plus(payout.minus(stake));
        List<Move> moves = new ArrayList<>(2);
        if (!fromBonus.isZero()) {
            moves.add(new Move(EntryType.PAYOUT, Fund.BONUS, fromBonus, orderId, null, Amount.ZERO));
        }
        if (!toCash.isZero()) {
            moves.add(new Move(EntryType.PAYOUT, Fund.CASH, toCash, orderId, null, Amount.ZERO));
        }
        return post(moves, Amount.ZERO, at).andThen(a -> a.releaseExposure(orderId, stake));
    }

    /** Settles a lost order: no money moves, no entry; the stake leaves {@code openExposure}. */
    public Posting settleLost(String orderId, Amount stake) {
        return releaseExposure(orderId, stake);
    }

    /**
     * Settles a voided order: each fund gets back exactly what it paid (one REFUND entry per fund),
     * and the stake leaves {@code openExposure}.
     */
    public Posting settleVoid(String orderId, Map<Fund, Amount> stakeByFund, Amount stake, Instant at) {
        Objects.requireNonNull(orderId);
        Amount fromBonus = stakePart(orderId, stakeByFund, stake, Fund.BONUS);
        Amount fromCash = stakeByFund.getOrDefault(Fund.CASH, Amount.ZERO);
        List<Move> moves = new ArrayList<>(2);
        if (!fromBonus.isZero()) {
            moves.add(new Move(EntryType.REFUND, Fund.BONUS, fromBonus, orderId, null, Amount.ZERO));
        }
        if (!fromCash.isZero()) {
            moves.add(new Move(EntryType.REFUND, Fund.CASH, fromCash, orderId, null, Amount.ZERO));
        }
        return post(moves, Amount.ZERO, at).andThen(a -> a.releaseExposure(orderId, stake));
    }

    /** The part of {@code stake} that {@code fund} paid; refuses funds that do not add up to the stake. */
    private static Amount stakePart(String orderId, Map<Fund, Amount> stakeByFund, Amount stake, Fund fund) {
        Amount bonus = stakeByFund.getOrDefault(Fund.BONUS, Amount.ZERO);
        Amount cash = stakeByFund.getOrDefault(Fund.CASH, Amount.ZERO);
        if (bonus.plus(cash).compareTo(stake) != 0) {
            throw new IllegalArgumentException("the funds of order " + orderId + " do not add up to its stake");
        }
        return fund == Fund.BONUS ? bonus : cash;
    }

    /** Thrown by {@link #holdForWithdrawal} when the cash balance does not cover the amount. Nothing changed. */
    public static final class InsufficientCash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InsufficientCash(String accountId, Amount amount, Amount cash) {
            super("account " + accountId + " can withdraw " + cash + " in cash, not " + amount, null, false, false);
        }
    }

    /**
     * Sets {@code amount} of CASH aside for a withdrawal (bonus can't be withdrawn): one
     * WITHDRAWAL_HOLD entry, {@code −amount} on CASH and {@code +amount} held.
     *
     * @throws InsufficientCash when cash is less than {@code amount}
     */
    public Posting holdForWithdrawal(String withdrawalId, Amount amount, Instant at) {
        Objects.requireNonNull(withdrawalId);
        requirePositive(amount, "a withdrawal");
        if (cash.compareTo(amount) < 0) {
            throw new InsufficientCash(accountId, amount, cash);
        }
        return post(List.of(new Move(EntryType.WITHDRAWAL_HOLD, Fund.CASH, amount.negate(), null, withdrawalId, amount)),
                Amount.ZERO, at);
    }

    /** A refused withdrawal: its hold goes back to CASH (one WITHDRAWAL_RELEASE entry). */
    public Posting releaseWithdrawal(String withdrawalId, Amount amount, Instant at) {
        Objects.requireNonNull(withdrawalId);
        requirePositive(amount, "a released withdrawal");
        return post(List.of(new Move(EntryType.WITHDRAWAL_RELEASE, Fund.CASH, amount, null, withdrawalId, amount.negate())),
                Amount.ZERO, at);
    }

    /**
     * A withdrawal the bank confirmed: the held cash has left the platform. One WITHDRAWAL_PAID
     * entry whose CASH amount is 0 (the cash left the balance at the hold) and whose
     * {@code heldChange} is {@code −amount}.
     */
    public Posting withdrawalPaid(String withdrawalId, Amount amount, Instant at) {
        Objects.requireNonNull(withdrawalId);
        requirePositive(amount, "a paid withdrawal");
        return post(List.of(new Move(EntryType.WITHDRAWAL_PAID, Fund.CASH, Amount.ZERO, null, withdrawalId, amount.negate())),
                Amount.ZERO, at);
    }

    /**
     * Releases a settled order's stake from {@code openExposure}. Moves no money, so it writes no
     * ledger entry.
     *
     * @throws IllegalStateException if the account's open exposure is less than {@code stake}
     */
    public Posting releaseExposure(String orderId, Amount stake) {
        Objects.requireNonNull(orderId);
        requirePositive(stake, "a released stake");
        if (openExposure.compareTo(stake) < 0) {
            throw new IllegalStateException("account " + accountId + " has open exposure " + openExposure
                    + ", less than the stake " + stake + " of order " + orderId);
        }
        Account after = new Account(accountId, cash, bonus, heldForWithdrawal, openExposure.minus(stake),
                ledgerSeq, revision + 1);
        return new Posting(this, after, List.of());
    }

    // ------------------------------------------------------------------------------ internals

    /** One signed change of one fund. */
    private record Move(EntryType type, Fund fund, Amount amount, String orderId, String withdrawalId, Amount heldChange) {}

    private Posting post(List<Move> moves, Amount exposureDelta, Instant at) {
        Instant when = at.truncatedTo(ChronoUnit.MILLIS);
        Amount newCash = cash;
        Amount newBonus = bonus;
        Amount newHeld = heldForWithdrawal;
        long seq = ledgerSeq;
        List<LedgerEntry> entries = new ArrayList<>(moves.size());
        for (Move m : moves) {
            Objects.requireNonNull(m.fund());
            Amount after;
            if (m.fund() == Fund.CASH) {
                newCash = newCash.plus(m.amount());
                after = newCash;
            } else {
                newBonus = newBonus.plus(m.amount());
                after = newBonus;
            }
            newHeld = newHeld.plus(m.heldChange());
            if (after.isNegative() || newHeld.isNegative()) {
                throw new IllegalStateException("the " + m.fund() + " or held balance of " + accountId + " would go negative");
            }
            seq++;
            entries.add(new LedgerEntry(LedgerIds.entryId(accountId, seq), accountId, seq, m.type(), m.fund(),
                    m.amount(), after, m.orderId(), m.withdrawalId(), m.heldChange(), when));
        }
        Account next = new Account(accountId, newCash, newBonus, newHeld, openExposure.plus(exposureDelta),
                seq, revision + 1);
        return new Posting(this, next, entries);
    }

    private static void requirePositive(Amount amount, String what) {
        Objects.requireNonNull(amount);
        if (amount.isNegative() || amount.isZero()) {
            throw new IllegalArgumentException(what + " must be more than 0: " + amount);
        }
    }
}
