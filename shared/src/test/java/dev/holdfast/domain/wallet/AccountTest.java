package dev.holdfast.domain.wallet;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wallet's pure domain: examples of each operation, and the ledger invariants as properties. */
class AccountTest {
    private static final Instant T = Instant.parse("2026-11-21T09:00:00.123456Z");
    private static final Amount MAX = Amount.MAX_INPUT;

    private static Amount a(long v) {
        return Amount.of(v);
    }

    // ---------------------------------------------------------------- examples

    @Example
    void creditOpensAnAccountWithOneEntry() {
        Posting p = Account.empty("u-1").credit(Fund.CASH, a(10_000), T);
        assertEquals(0, p.before().revision());
        assertEquals(1, p.after().revision());
        assertEquals(a(10_000), p.after().cash());
        assertEquals(Amount.ZERO, p.after().bonus());
        assertEquals(1, p.after().ledgerSeq());
        LedgerEntry e = p.entries().get(0);
        assertEquals(EntryType.CREDIT, e.type());
        assertEquals(Fund.CASH, e.fund());
        assertEquals(a(10_000), e.amount());
        assertEquals(a(10_000), e.balanceAfter());
        assertEquals(1, e.seq());
        assertEquals(LedgerIds.entryId("u-1", 1), e.entryId());
        assertNull(e.orderId());
        assertEquals(Instant.parse("2026-11-21T09:00:00.123Z"), e.createdAt(), "times are kept to the millisecond");
    }

    @Example
    void fifteenDigitCreditsAddUpExactly() {
        Account acc = Account.empty("u-1").credit(Fund.BONUS, MAX, T).after();
        Posting p = acc.credit(Fund.BONUS, MAX, T);
        assertEquals("1999999999999998", p.after().bonus().text());
        assertEquals("1999999999999998", p.entries().get(0).balanceAfter().text());
    }

    @Example
    void stakeTakesBonusFirstThenCash() {
        Account acc = Account.empty("u-1").credit(Fund.CASH, a(10_000), T).after()
                .credit(Fund.BONUS, a(3_000), T).after();
        Posting p = acc.stake("o-1", a(5_000), T);
        assertEquals(2, p.entries().size());
        LedgerEntry bonus = p.entries().get(0);
        LedgerEntry cash = p.entries().get(1);
        assertEquals(EntryType.STAKE, bonus.type());
        assertEquals(Fund.BONUS, bonus.fund());
        assertEquals(a(-3_000), bonus.amount());
        assertEquals(Amount.ZERO, bonus.balanceAfter());
        assertEquals(Fund.CASH, cash.fund());
        assertEquals(a(-2_000), cash.amount());
        assertEquals(a(8_000), cash.balanceAfter());
        assertEquals("o-1", cash.orderId());
        assertEquals(a(5_000), p.after().openExposure());
        assertEquals(4, p.after().ledgerSeq());
        assertEquals(3, p.after().revision());
    }

    @Example
    void stakeCoveredByBonusWritesOneEntry() {
        Account acc = Account.empty("u-1").credit(Fund.BONUS, a(3_000), T).after()
                .credit(Fund.CASH, a(3_000), T).after();
        Posting p = acc.stake("o-1", a(3_000), T);
        assertEquals(1, p.entries().size());
        assertEquals(Fund.BONUS, p.entries().get(0).fund());
        assertEquals(a(3_000), p.after().cash());
    }

    @Example
    void stakeWithoutBonusIsCashOnly() {
        Posting p = Account.empty("u-1").credit(Fund.CASH, a(3_000), T).after().stake("o-1", a(3_000), T);
        assertEquals(1, p.entries().size());
        assertEquals(Fund.CASH, p.entries().get(0).fund());
        assertEquals(Amount.ZERO, p.after().cash());
    }

    @Example
    void stakeBeyondCashPlusBonusIsInsufficientFunds() {
        Account acc = Account.empty("u-1").credit(Fund.CASH, a(2_000), T).after()
                .credit(Fund.BONUS, a(1_000), T).after();
        assertThrows(Account.InsufficientFunds.class, () -> acc.stake("o-1", a(3_001), T));
        assertThrows(Account.InsufficientFunds.class, () -> Account.empty("u-2").stake("o-1", a(1), T));
        assertEquals(a(3_000), acc.stake("o-1", a(3_000), T).before().spendable());
    }

    @Example
    void nonPositiveAmountsAreRefused() {
        Account acc = Account.empty("u-1");
        assertThrows(IllegalArgumentException.class, () -> acc.credit(Fund.CASH, Amount.ZERO, T));
        assertThrows(IllegalArgumentException.class, () -> acc.credit(Fund.CASH, a(-1), T));
        assertThrows(IllegalArgumentException.class, () -> acc.stake("o", Amount.ZERO, T));
        assertThrows(IllegalArgumentException.class, () -> acc.payout("o", Fund.CASH, Amount.ZERO, T));
        assertThrows(IllegalArgumentException.class, () -> new Credit("u-1", Fund.CASH, Amount.ZERO, "x"));
    }

    @Example
    void settlementCombinesPayoutAndReleaseInOnePosting() {
        Account acc = Account.empty("u-1").credit(Fund.CASH, a(10_000), T).after()
                .stake("o-1", a(4_000), T).after();
        Posting settle = acc.payout("o-1", Fund.CASH, a(9_400), T).andThen(x -> x.releaseExposure("o-1", a(4_000)));
        assertEquals(acc, settle.before());
        assertEquals(acc.revision() + 1, settle.after().revision(), "one conditional write");
        assertEquals(a(15_400), settle.after().cash());
        assertEquals(Amount.ZERO, settle.after().openExposure());
        assertEquals(1, settle.entries().size());
        assertEquals(EntryType.PAYOUT, settle.entries().get(0).type());

        Posting voided = acc.refund("o-1", Fund.CASH, a(4_000), T).andThen(x -> x.releaseExposure("o-1", a(4_000)));
        assertEquals(a(10_000), voided.after().cash());
        assertEquals(EntryType.REFUND, voided.entries().get(0).type());

        assertThrows(IllegalStateException.class, () -> acc.releaseExposure("o-1", a(4_001)));
        Posting lost = acc.releaseExposure("o-1", a(4_000));
        assertTrue(lost.entries().isEmpty());
        assertEquals(acc.ledgerSeq(), lost.after().ledgerSeq());
    }

    @Example
    void postingsRefuseGapsAndForeignEntries() {
        Account acc = Account.empty("u-1");
        Posting p = acc.credit(Fund.CASH, a(1), T);
        assertThrows(IllegalArgumentException.class, () -> new Posting(acc, p.after(), List.of()));
        Account other = Account.empty("u-2");
        assertThrows(IllegalArgumentException.class, () -> new Posting(other, p.after(), p.entries()));
        assertThrows(IllegalArgumentException.class, () -> new Account("u", a(-1), Amount.ZERO, Amount.ZERO, Amount.ZERO, 0, 0));
    }

    @Example
    void entryIdsAreDistinctPerAccountAndSequence() {
        assertFalse(LedgerIds.entryId("u-1", 1).equals(LedgerIds.entryId("u-1", 2)));
        assertFalse(LedgerIds.entryId("u-1", 12).equals(LedgerIds.entryId("u-11", 2)));
        assertFalse(LedgerIds.entryId("u-1", 1).contains("u-1"), "ids don't reveal the owner");
    }

    @Example
    void creditFingerprintsCoverEveryField() {
        Credit c = new Credit("u-1", Fund.CASH, a(100), "promo");
        assertEquals(c.fingerprint(), new Credit("u-1", Fund.CASH, a(100), "promo").fingerprint());
        assertFalse(c.fingerprint().equals(new Credit("u-2", Fund.CASH, a(100), "promo").fingerprint()));
        assertFalse(c.fingerprint().equals(new Credit("u-1", Fund.BONUS, a(100), "promo").fingerprint()));
        assertFalse(c.fingerprint().equals(new Credit("u-1", Fund.CASH, a(1000), "promo").fingerprint()));
        assertFalse(c.fingerprint().equals(new Credit("u-1", Fund.CASH, a(100), "promo ").fingerprint()));
    }

    // ---------------------------------------------------------------- properties

    /** One generated operation. */
    sealed interface Op permits CreditOp, StakeOp, PayoutOp, ReleaseOp {}

    record CreditOp(Fund fund, Amount amount) implements Op {}

    record StakeOp(Amount amount) implements Op {}

    record PayoutOp(Fund fund, Amount amount, boolean refund) implements Op {}

    record ReleaseOp(Amount amount) implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Amount> amounts = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 100_000),
                Arbitraries.longs().between(1, 999_999_999_999_999L)).map(Amount::of);
        Arbitrary<Fund> funds = Arbitraries.of(Fund.class);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Combinators.combine(funds, amounts).as(CreditOp::new)),
                net.jqwik.api.Tuple.of(4, amounts.map(StakeOp::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(funds, amounts, Arbitraries.of(true, false)).as(PayoutOp::new)),
                net.jqwik.api.Tuple.of(1, amounts.map(ReleaseOp::new)));
        return op.list().ofMaxSize(60);
    }

    @Property(tries = 500)
    void ledgerExplainsEveryBalance(@ForAll("operations") List<Op> ops) {
        Account acc = Account.empty("acct-" + ops.size());
        List<LedgerEntry> ledger = new ArrayList<>();
        Map<Fund, Amount> sums = new EnumMap<>(Fund.class);
        sums.put(Fund.CASH, Amount.ZERO);
        sums.put(Fund.BONUS, Amount.ZERO);
        Amount exposure = Amount.ZERO;
        int n = 0;
        for (Op op : ops) {
            String orderId = "o-" + n++;
            Posting p;
            if (op instanceof CreditOp c) {
                p = acc.credit(c.fund(), c.amount(), T);
            } else if (op instanceof StakeOp s) {
                if (acc.spendable().compareTo(s.amount()) < 0) {
                    Account before = acc;
                    assertThrows(Account.InsufficientFunds.class, () -> before.stake(orderId, s.amount(), T));
                    continue;
                }
                p = acc.stake(orderId, s.amount(), T);
                Amount fromBonus = acc.bonus().min(s.amount());
                Amount bonusDebit = p.entries().stream().filter(e -> e.fund() == Fund.BONUS)
                        .map(LedgerEntry::amount).reduce(Amount.ZERO, Amount::plus);
                assertEquals(fromBonus.negate(), bonusDebit, "bonus first");
                assertTrue(p.entries().stream().allMatch(e -> e.type() == EntryType.STAKE && e.amount().isNegative()
                        && orderId.equals(e.orderId())));
                assertEquals(p.entries().stream().map(LedgerEntry::fund).distinct().count(), p.entries().size(),
                        "at most one STAKE entry per fund");
                exposure = exposure.plus(s.amount());
            } else if (op instanceof PayoutOp po) {
                p = po.refund() ? acc.refund(orderId, po.fund(), po.amount(), T)
                        : acc.payout(orderId, po.fund(), po.amount(), T);
            } else {
                Amount release = ((ReleaseOp) op).amount().min(acc.openExposure());
                if (release.isZero()) {
                    continue;
                }
                p = acc.releaseExposure(orderId, release);
                exposure = exposure.minus(release);
            }
            assertEquals(acc, p.before());
            assertEquals(acc.revision() + 1, p.after().revision());
            for (LedgerEntry e : p.entries()) {
                Amount running = sums.get(e.fund()).plus(e.amount());
                sums.put(e.fund(), running);
                assertEquals(running, e.balanceAfter(), "balanceAfter is the running sum of the fund");
                ledger.add(e);
            }
            acc = p.after();
            assertFalse(acc.cash().isNegative() || acc.bonus().isNegative() || acc.openExposure().isNegative(),
                    "no balance is ever negative");
            assertEquals(sums.get(Fund.CASH), acc.cash(), "cash is the sum of its entries");
            assertEquals(sums.get(Fund.BONUS), acc.bonus(), "bonus is the sum of its entries");
            assertEquals(exposure, acc.openExposure());
        }
        assertEquals(ledger.size(), acc.ledgerSeq());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < ledger.size(); i++) {
            assertEquals(i + 1, ledger.get(i).seq(), "sequence numbers have no gaps");
            assertTrue(ids.add(ledger.get(i).entryId()), "entry ids are unique");
        }
    }

    @Property(tries = 200)
    void stakeSplitsExactly(@ForAll("amountsList") @Size(3) List<Long> v) {
        Account acc = Account.empty("u").credit(Fund.CASH, a(v.get(0)), T).after().credit(Fund.BONUS, a(v.get(1)), T).after();
        Amount stake = a(v.get(2));
        if (acc.spendable().compareTo(stake) < 0) {
            assertThrows(Account.InsufficientFunds.class, () -> acc.stake("o", stake, T));
            return;
        }
        Posting p = acc.stake("o", stake, T);
        assertEquals(acc.spendable().minus(stake), p.after().spendable());
        assertEquals(acc.bonus().min(stake), acc.bonus().minus(p.after().bonus()));
    }

    @Provide
    Arbitrary<List<Long>> amountsList() {
        return Arbitraries.longs().between(1, 999_999_999_999_999L).list();
    }
}
