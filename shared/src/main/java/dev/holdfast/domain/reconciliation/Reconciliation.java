package dev.holdfast.domain.reconciliation;

import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.order.ExposureClaim;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rebuilds every stored view from its source of truth and compares (pure; no I/O):
 *
 * <ul>
 *   <li>an account's {@code cash} is the sum of its CASH entries' amounts, {@code bonus} the sum of
 *       its BONUS entries' amounts, {@code heldForWithdrawal} the sum of all its entries'
 *       {@code heldChange} — counting exactly the entries the view includes (seq ≤ its
 *       {@code ledgerSeq});</li>
 *   <li>an account's {@code openExposure} is the sum of the stakes of its open orders (accepted,
 *       not settled);</li>
 *   <li>an exposure bucket's {@code used} is the sum of the open orders' claims on that bucket.</li>
 * </ul>
 *
 * A missing view counts as zero: an open order whose bucket or account was never stored is drift,
 * and a stored bucket holding 0 with no open claim is not. Values compare as numbers
 * ({@code 5} = {@code 5.0000}).
 */
public final class Reconciliation {
    private Reconciliation() {}

    /**
     * The account's balance mismatches against the entries it includes (those with
     * {@code seq ≤ view.ledgerSeq()}; later ones belong to a newer view and are ignored).
     */
    public static List<Mismatch> balanceMismatches(AccountView view, Collection<EntryAmount> entries) {
        BigDecimal cash = BigDecimal.ZERO;
        BigDecimal bonus = BigDecimal.ZERO;
        BigDecimal held = BigDecimal.ZERO;
        for (EntryAmount e : entries) {
            if (e.seq() > view.ledgerSeq()) {
                continue;
            }
            if (e.fund() == Fund.CASH) {
                cash = cash.add(e.amount());
            } else {
                bonus = bonus.add(e.amount());
            }
            held = held.add(e.heldChange());
        }
        List<Mismatch> out = new ArrayList<>(0);
        compare(out, MismatchKind.ACCOUNT_CASH, view.item(), view.cash(), cash);
        compare(out, MismatchKind.ACCOUNT_BONUS, view.item(), view.bonus(), bonus);
        compare(out, MismatchKind.ACCOUNT_HELD, view.item(), view.heldForWithdrawal(), held);
        return out;
    }

    /**
     * Whether {@code entries} hold every entry the view includes: seq 1…{@code ledgerSeq}, each
     * once (sequence numbers have no gaps). If not, the entries were read before some of them
     * were written, and the account must be read again before it is compared.
     */
    public static boolean includesWholeLedger(AccountView view, Collection<EntryAmount> entries) {
        Set<Long> seen = new HashSet<>();
        for (EntryAmount e : entries) {
            if (e.seq() >= 1 && e.seq() <= view.ledgerSeq()) {
                seen.add(e.seq());
            }
        }
        return seen.size() == view.ledgerSeq();
    }

    /** Each owner's open exposure: the sum of the stakes of its open orders. */
    public static Map<String, BigDecimal> openExposureByAccount(Collection<OpenOrder> open) {
        Map<String, BigDecimal> out = new TreeMap<>();
        for (OpenOrder o : open) {
            out.merge(o.ownerSub(), o.stake(), BigDecimal::add);
        }
        return out;
    }

    /** Each bucket's use: the sum of the open orders' claims on it. */
    public static Map<BucketKey, BigDecimal> usedByBucket(Collection<OpenOrder> open) {
        Map<BucketKey, BigDecimal> out = new TreeMap<>();
        for (OpenOrder o : open) {
            for (ExposureClaim c : o.claims()) {
                out.merge(BucketKey.of(c), c.amount(), BigDecimal::add);
            }
        }
        return out;
    }

    /**
     * Open-exposure mismatches of every account that has a view or an open order.
     *
     * @param stored  accountId → the view's {@code openExposure}
     * @param rebuilt accountId → the sum of its open stakes ({@link #openExposureByAccount})
     */
    public static List<Mismatch> openExposureMismatches(Map<String, BigDecimal> stored, Map<String, BigDecimal> rebuilt) {
        List<Mismatch> out = new ArrayList<>(0);
        for (String id : union(stored.keySet(), rebuilt.keySet())) {
            compare(out, MismatchKind.ACCOUNT_OPEN_EXPOSURE, "ACCOUNT#" + id,
                    stored.getOrDefault(id, BigDecimal.ZERO), rebuilt.getOrDefault(id, BigDecimal.ZERO));
        }
        return out;
    }

    /** Bucket mismatches of every bucket that is stored or claimed. */
    public static List<Mismatch> bucketMismatches(Map<BucketKey, BigDecimal> stored, Map<BucketKey, BigDecimal> rebuilt) {
        List<Mismatch> out = new ArrayList<>(0);
        for (BucketKey k : union(stored.keySet(), rebuilt.keySet())) {
            compare(out, MismatchKind.EXPOSURE_BUCKET, k.item(),
                    stored.getOrDefault(k, BigDecimal.ZERO), rebuilt.getOrDefault(k, BigDecimal.ZERO));
        }
        return out;
    }

    /**
     * The whole check over one consistent read of everything.
     *
     * @param views   every account view
     * @param ledgers accountId → its entries
     * @param open    every open order
     * @param buckets every stored bucket's {@code used}
     */
    public static ReconciliationReport check(Instant at, Collection<AccountView> views,
                                             Map<String, ? extends Collection<EntryAmount>> ledgers,
                                             Collection<OpenOrder> open, Map<BucketKey, BigDecimal> buckets) {
        List<Mismatch> mismatches = new ArrayList<>();
        Map<String, BigDecimal> storedExposure = new TreeMap<>();
        Set<String> accounts = new TreeSet<>();
        for (AccountView v : views) {
            Collection<EntryAmount> entries = ledgers.get(v.accountId());
            mismatches.addAll(balanceMismatches(v, entries == null ? List.of() : entries));
            storedExposure.put(v.accountId(), v.openExposure());
            accounts.add(v.accountId());
        }
        for (String id : ledgers.keySet()) {
            if (!accounts.contains(id) && !ledgers.get(id).isEmpty()) {
                // entries without a view: the view is missing, i.e. holds nothing
                AccountView missing = new AccountView(id, null, null, null, null, Long.MAX_VALUE);
                mismatches.addAll(balanceMismatches(missing, ledgers.get(id)));
                accounts.add(id);
            }
        }
        Map<String, BigDecimal> rebuiltExposure = openExposureByAccount(open);
        accounts.addAll(rebuiltExposure.keySet());
        mismatches.addAll(openExposureMismatches(storedExposure, rebuiltExposure));
        Map<BucketKey, BigDecimal> rebuiltBuckets = usedByBucket(open);
        mismatches.addAll(bucketMismatches(buckets, rebuiltBuckets));
        int exposures = union(buckets.keySet(), rebuiltBuckets.keySet()).size();
        return ReconciliationReport.of(at, accounts.size(), exposures, sorted(mismatches));
    }

    /** Mismatches in a stable order: by item, then kind. */
    public static List<Mismatch> sorted(Collection<Mismatch> mismatches) {
        List<Mismatch> out = new ArrayList<>(mismatches);
        out.sort(Comparator.comparing(Mismatch::item).thenComparing(Mismatch::kind));
        return out;
    }

    private static void compare(List<Mismatch> out, MismatchKind kind, String item, BigDecimal stored, BigDecimal rebuilt) {
        if (stored.compareTo(rebuilt) != 0) {
            out.add(new Mismatch(kind, item, stored, rebuilt));
        }
    }

    private static <T extends Comparable<T>> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }
}
