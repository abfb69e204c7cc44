package dev.holdfast.domain.reconciliation;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.Posting;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reconciliation rebuilds what the real postings and orders store: a random history of credits,
 * stakes, settlements and withdrawals (driven through the real {@link Account}) has zero drift,
 * and any single tampered value is found, named, and counted once.
 */
class ReconciliationTest {
    private static final Instant AT = Instant.parse("2026-11-21T09:00:00.000Z");

    /** An in-memory image of what the stores hold. */
    private static final class World {
        final Map<String, Account> accounts = new TreeMap<>();
        final Map<String, List<EntryAmount>> ledgers = new TreeMap<>();
        final Map<String, OpenOrder> open = new LinkedHashMap<>();
        final Map<String, Map<Fund, Amount>> funds = new HashMap<>();
        final Map<BucketKey, BigDecimal> buckets = new TreeMap<>();
        final Map<String, Amount> held = new HashMap<>();
        int orders;
        int withdrawals;

        Account account(String id) {
            return accounts.getOrDefault(id, Account.empty(id));
        }

        void apply(Posting p) {
            accounts.put(p.accountId(), p.after());
            p.entries().forEach(e -> ledgers.computeIfAbsent(p.accountId(), k -> new ArrayList<>()).add(EntryAmount.of(e)));
        }

        List<AccountView> views() {
            return accounts.values().stream().map(a -> new AccountView(a.accountId(), a.cash().value(), a.bonus().value(),
                    a.heldForWithdrawal().value(), a.openExposure().value(), a.ledgerSeq())).toList();
        }

        ReconciliationReport check() {
            return Reconciliation.check(AT, views(), ledgers, open.values(), buckets);
        }

        void step(Random r) {
            String id = "u-" + r.nextInt(4);
            Account a = account(id);
            switch (r.nextInt(6)) {
                case 0 -> apply(a.credit(r.nextBoolean() ? Fund.CASH : Fund.BONUS, Amount.of(1 + r.nextInt(10_000)), AT));
                case 1 -> {
                    Amount stake = Amount.of(1 + r.nextInt(5_000));
                    if (a.spendable().compareTo(stake) < 0) {
                        return;
                    }
                    String orderId = "o-" + (++orders);
                    Posting p = a.stake(orderId, stake, AT);
                    apply(p);
                    Map<Fund, Amount> f = new EnumMap<>(Fund.class);
                    p.entries().forEach(e -> f.put(e.fund(), e.amount().negate()));
                    funds.put(orderId, f);
                    List<ExposureClaim> claims = new ArrayList<>();
                    BigDecimal liability = stake.value().multiply(new BigDecimal("1.35"));
                    claims.add(new ExposureClaim(LimitScope.GLOBAL, "GLOBAL", r.nextInt(16), liability));
                    claims.add(new ExposureClaim(LimitScope.USER, id, 0, liability));
                    claims.add(new ExposureClaim(LimitScope.EVENT, "e-1/s-" + r.nextInt(2), r.nextInt(4), liability));
                    claims.forEach(c -> buckets.merge(BucketKey.of(c), c.amount(), BigDecimal::add));
                    open.put(orderId, new OpenOrder(orderId, id, stake.value(), claims));
                }
                case 2 -> {
                    OpenOrder o = open.values().stream().skip(open.isEmpty() ? 0 : r.nextInt(open.size())).findFirst().orElse(null);
                    if (o == null) {
                        return;
                    }
                    Account owner = account(o.ownerSub());
                    Amount stake = new Amount(o.stake());
                    Posting p = switch (r.nextInt(3)) {
                        case 0 -> owner.settleWon(o.orderId(), funds.get(o.orderId()), stake, stake.plus(Amount.of(r.nextInt(9_000))), AT);
                        case 1 -> owner.settleLost(o.orderId(), stake);
                        default -> owner.settleVoid(o.orderId(), funds.get(o.orderId()), stake, AT);
                    };
                    apply(p);
                    o.claims().forEach(c -> buckets.merge(BucketKey.of(c), c.amount().negate(), BigDecimal::add));
                    open.remove(o.orderId());
                }
                case 3 -> {
                    if (a.cash().isZero()) {
                        return;
                    }
                    String w = "w-" + (++withdrawals);
                    Amount amount = Amount.of(1 + r.nextInt((int) Math.min(Integer.MAX_VALUE - 1L, a.cash().value().longValue())));
                    apply(a.holdForWithdrawal(w, amount, AT));
                    held.put(w + "|" + id, amount);
                }
                default -> {
                    String key = held.keySet().stream().filter(k -> k.endsWith("|" + id)).findFirst().orElse(null);
                    if (key == null) {
                        return;
                    }
                    Amount amount = held.remove(key);
                    String w = key.substring(0, key.indexOf('|'));
                    apply(r.nextBoolean() ? a.releaseWithdrawal(w, amount, AT) : a.withdrawalPaid(w, amount, AT));
                }
            }
        }
    }

    @Property(tries = 300)
    void anyHistoryOfRealPostingsHasNoDrift(@ForAll long seed, @ForAll @IntRange(min = 0, max = 200) int steps) {
        World w = new World();
        Random r = new Random(seed);
        for (int i = 0; i < steps; i++) {
            w.step(r);
        }
        ReconciliationReport report = w.check();
        assertEquals(0, report.drift(), () -> report.mismatches().toString());
        assertTrue(report.mismatches().isEmpty());
        assertEquals(w.accounts.size(), report.accountsChecked());
    }

    @Property(tries = 300)
    void anySingleTamperedValueIsOneDriftWithTheRightMismatch(@ForAll long seed,
                                                             @ForAll @IntRange(min = 1, max = 150) int steps,
                                                             @ForAll @IntRange(min = 0, max = 4) int what,
                                                             @ForAll @IntRange(min = 1, max = 1_000_000) int delta) {
        World w = new World();
        Random r = new Random(seed);
        for (int i = 0; i < steps; i++) {
            w.step(r);
        }
        if (w.accounts.isEmpty()) {
            w.apply(w.account("u-0").credit(Fund.CASH, Amount.of(5), AT));
        }
        BigDecimal d = BigDecimal.valueOf(delta);
        List<AccountView> views = new ArrayList<>(w.views());
        Map<BucketKey, BigDecimal> buckets = new TreeMap<>(w.buckets);
        MismatchKind kind = MismatchKind.values()[what];
        String item;
        BigDecimal stored;
        if (kind == MismatchKind.EXPOSURE_BUCKET) {
            BucketKey k = buckets.isEmpty() ? new BucketKey(LimitScope.GLOBAL, "GLOBAL", 3) : buckets.keySet().iterator().next();
            stored = buckets.getOrDefault(k, BigDecimal.ZERO).add(d);
            buckets.put(k, stored);
            item = k.item();
        } else {
            AccountView v = views.remove(0);
            AccountView t = switch (kind) {
                case ACCOUNT_CASH -> new AccountView(v.accountId(), v.cash().add(d), v.bonus(), v.heldForWithdrawal(), v.openExposure(), v.ledgerSeq());
                case ACCOUNT_BONUS -> new AccountView(v.accountId(), v.cash(), v.bonus().add(d), v.heldForWithdrawal(), v.openExposure(), v.ledgerSeq());
                case ACCOUNT_HELD -> new AccountView(v.accountId(), v.cash(), v.bonus(), v.heldForWithdrawal().add(d), v.openExposure(), v.ledgerSeq());
                default -> new AccountView(v.accountId(), v.cash(), v.bonus(), v.heldForWithdrawal(), v.openExposure().add(d), v.ledgerSeq());
            };
            views.add(0, t);
            item = t.item();
            stored = switch (kind) {
                case ACCOUNT_CASH -> t.cash();
                case ACCOUNT_BONUS -> t.bonus();
                case ACCOUNT_HELD -> t.heldForWithdrawal();
                default -> t.openExposure();
            };
        }
        ReconciliationReport report = Reconciliation.check(AT, views, w.ledgers, w.open.values(), buckets);
        assertEquals(1, report.drift());
        assertEquals(1, report.mismatches().size());
        Mismatch m = report.mismatches().get(0);
        assertEquals(kind, m.kind());
        assertEquals(item, m.item());
        assertEquals(0, stored.compareTo(m.stored()));
        assertEquals(0, stored.subtract(d).compareTo(m.rebuilt()), () -> m.toString());
    }

    @Test
    void entriesAfterTheViewsSeqAreNotCountedAndAGapIsSeen() {
        AccountView v = new AccountView("u-1", new BigDecimal("100"), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 2);
        List<EntryAmount> entries = List.of(
                new EntryAmount(1, Fund.CASH, new BigDecimal("60"), null),
                new EntryAmount(2, Fund.CASH, new BigDecimal("40"), null),
                new EntryAmount(3, Fund.CASH, new BigDecimal("-30"), null)); // committed after the view was read
        assertTrue(Reconciliation.balanceMismatches(v, entries).isEmpty());
        assertTrue(Reconciliation.includesWholeLedger(v, entries));
        assertFalse(Reconciliation.includesWholeLedger(v, List.of(entries.get(0), entries.get(2))));
    }

    @Test
    void aZeroBucketWithoutClaimsIsNotDriftButAClaimWithoutABucketIs() {
        BucketKey empty = new BucketKey(LimitScope.GLOBAL, "GLOBAL", 0);
        ExposureClaim claim = new ExposureClaim(LimitScope.SEGMENT, "region:busan", 2, new BigDecimal("12.5000"));
        OpenOrder o = new OpenOrder("o-1", "u-1", new BigDecimal("10"), List.of(claim));
        AccountView v = new AccountView("u-1", BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal("10"), 0);
        ReconciliationReport r = Reconciliation.check(AT, List.of(v), Map.of(), List.of(o),
                Map.of(empty, new BigDecimal("0.0000")));
        assertEquals(1, r.drift());
        assertEquals(List.of(new Mismatch(MismatchKind.EXPOSURE_BUCKET, "SEGMENT#region:busan#B2", BigDecimal.ZERO,
                new BigDecimal("12.5000"))), r.mismatches());
        assertEquals(2, r.exposuresChecked());
        assertEquals(1, r.accountsChecked());
    }

    @Test
    void entriesWithoutAViewAreDriftOfAMissingView() {
        ReconciliationReport r = Reconciliation.check(AT, List.of(),
                Map.of("u-9", List.of(new EntryAmount(1, Fund.BONUS, new BigDecimal("7"), null))), List.of(), Map.of());
        assertEquals(1, r.drift());
        assertEquals(new Mismatch(MismatchKind.ACCOUNT_BONUS, "ACCOUNT#u-9", BigDecimal.ZERO, new BigDecimal("7")),
                r.mismatches().get(0));
    }

    @Test
    void severalValuesOfOneViewAreOneDrift() {
        AccountView v = new AccountView("u-1", new BigDecimal("1"), new BigDecimal("2"), BigDecimal.ZERO, BigDecimal.ZERO, 0);
        ReconciliationReport r = Reconciliation.check(AT, List.of(v), Map.of(), List.of(), Map.of());
        assertEquals(1, r.drift());
        assertEquals(2, r.mismatches().size());
    }
}
