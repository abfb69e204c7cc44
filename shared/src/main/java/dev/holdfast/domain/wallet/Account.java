package dev.holdfast.domain.wallet;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An account's balances: the stored view of its ledger (each fund's balance is the sum of that
 * fund's entries; reconciliation can rebuild it). Pure: every operation returns a {@link Posting}
 * (the balance change and the entries that explain it) and changes nothing itself; the store
 * commits a posting only if the account is still at {@link #revision()}.
 *
 * <p>Invariants, checked here and property-tested: no balance is ever negative; each fund's
 * balance equals the sum of its entries' amounts; every entry's {@code balanceAfter} is that
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
        return post(List.of(new Move(EntryType.CREDIT, fund, amount, null, null)), Amount.ZERO, at);
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
            moves.add(new Move(EntryType.STAKE, Fund.BONUS, fromBonus.negate(), orderId, null));
        }
        if (!fromCash.isZero()) {
            moves.add(new Move(EntryType.STAKE, Fund.CASH, fromCash.negate(), orderId, null));
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
        return post(List.of(new Move(EntryType.PAYOUT, fund, amount, orderId, null)), Amount.ZERO, at);
    }

    /** Gives a voided order's stake (or the part of it that came from {@code fund}) back: one REFUND entry. */
    public Posting refund(String orderId, Fund fund, Amount amount, Instant at) {
        Objects.requireNonNull(orderId);
        requirePositive(amount, "a refund");
        return post(List.of(new Move(EntryType.REFUND, fund, amount, orderId, null)), Amount.ZERO, at);
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
    private record Move(EntryType type, Fund fund, Amount amount, String orderId, String withdrawalId) {}

    private Posting post(List<Move> moves, Amount exposureDelta, Instant at) {
        Instant when = at.truncatedTo(ChronoUnit.MILLIS);
        Amount newCash = cash;
        Amount newBonus = bonus;
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
            if (after.isNegative()) {
                throw new IllegalStateException("the " + m.fund() + " balance of " + accountId + " would go negative");
            }
            seq++;
            entries.add(new LedgerEntry(LedgerIds.entryId(accountId, seq), accountId, seq, m.type(), m.fund(),
                    m.amount(), after, m.orderId(), m.withdrawalId(), when));
        }
        Account next = new Account(accountId, newCash, newBonus, heldForWithdrawal, openExposure.plus(exposureDelta),
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
