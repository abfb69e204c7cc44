package dev.holdfast.domain.wallet;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Settlement and withdrawal postings: who gets what back, and every balance stays the sum of its entries. */
class SettlementAndWithdrawalPostingsTest {
    private static final Instant T = Instant.parse("2026-11-22T09:00:00Z");

    private static Amount a(long v) {
        return Amount.of(v);
    }

    /** An account with 3000 bonus and 10000 cash that staked 5000 (3000 bonus + 2000 cash) on order o-1. */
    private static Account staked() {
        Account acc = Account.empty("u-1").credit(Fund.BONUS, a(3_000), T).after();
        acc = acc.credit(Fund.CASH, a(10_000), T).after();
        return acc.stake("o-1", a(5_000), T).after();
    }

    private static final Map<Fund, Amount> FUNDS = Map.of(Fund.BONUS, a(3_000), Fund.CASH, a(2_000));

    @Example
    void aWinGivesEachFundItsStakeBackAndTheWinningsToCash() {
        Posting p = staked().settleWon("o-1", FUNDS, a(5_000), a(11_750), T);
        assertEquals(List.of(EntryType.PAYOUT, EntryType.PAYOUT), p.entries().stream().map(LedgerEntry::type).toList());
        assertEquals(a(3_000), p.after().bonus());
        assertEquals(a(8_000 + 2_000 + 6_750), p.after().cash());
        assertEquals(Amount.ZERO, p.after().openExposure());
        assertEquals(p.before().revision() + 1, p.after().revision(), "one conditional write");
    }

    @Example
    void aLossMovesNoMoneyAndOnlyReleasesTheStake() {
        Posting p = staked().settleLost("o-1", a(5_000));
        assertEquals(List.of(), p.entries());
        assertEquals(a(8_000), p.after().cash());
        assertEquals(Amount.ZERO, p.after().openExposure());
    }

    @Example
    void aVoidRefundsEachFundExactly() {
        Posting p = staked().settleVoid("o-1", FUNDS, a(5_000), T);
        assertEquals(a(3_000), p.after().bonus());
        assertEquals(a(10_000), p.after().cash());
        assertEquals(List.of(EntryType.REFUND, EntryType.REFUND), p.entries().stream().map(LedgerEntry::type).toList());
    }

    @Example
    void fundsThatDoNotAddUpToTheStakeAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> staked().settleVoid("o-1", Map.of(Fund.CASH, a(4_999)), a(5_000), T));
    }

    @Example
    void aWithdrawalHoldsCashOnlyAndThenEitherPaysOrReleases() {
        Account acc = staked(); // cash 8000, bonus 0
        assertThrows(Account.InsufficientCash.class, () -> acc.holdForWithdrawal("w-1", a(8_001), T));
        Account held = acc.holdForWithdrawal("w-1", a(8_000), T).after();
        assertEquals(Amount.ZERO, held.cash());
        assertEquals(a(8_000), held.heldForWithdrawal());

        Posting paid = held.withdrawalPaid("w-1", a(8_000), T);
        assertEquals(Amount.ZERO, paid.after().heldForWithdrawal());
        assertEquals(Amount.ZERO, paid.after().cash());
        assertEquals(Amount.ZERO, paid.entries().get(0).amount());
        assertEquals(a(-8_000), paid.entries().get(0).heldChange());

        Posting released = held.releaseWithdrawal("w-1", a(8_000), T);
        assertEquals(a(8_000), released.after().cash());
        assertEquals(Amount.ZERO, released.after().heldForWithdrawal());
        assertThrows(IllegalStateException.class, () -> paid.after().withdrawalPaid("w-1", a(8_000), T),
                "nothing can leave that is not held");
    }

    @Property(tries = 300)
    void heldIsTheSumOfHeldChangesAndCashTheSumOfCashEntries(@ForAll @LongRange(min = 1, max = 999_999_999_999_999L) long credit,
                                                              @ForAll @LongRange(min = 1, max = 999_999_999_999_999L) long withdraw,
                                                              @ForAll boolean pay) {
        Account acc = Account.empty("u-1").credit(Fund.CASH, a(credit), T).after();
        long w = Math.min(credit, withdraw);
        Posting hold = acc.holdForWithdrawal("w-1", a(w), T);
        Posting end = pay ? hold.after().withdrawalPaid("w-1", a(w), T) : hold.after().releaseWithdrawal("w-1", a(w), T);
        Amount cash = Amount.ZERO;
        Amount held = Amount.ZERO;
        for (Posting p : List.of(Account.empty("u-1").credit(Fund.CASH, a(credit), T), hold, end)) {
            for (LedgerEntry e : p.entries()) {
                cash = cash.plus(e.amount());
                held = held.plus(e.heldChange());
                assertEquals(cash, e.balanceAfter());
            }
        }
        assertEquals(cash, end.after().cash());
        assertEquals(held, end.after().heldForWithdrawal());
        assertEquals(pay ? a(credit - w) : a(credit), end.after().cash());
    }
}
