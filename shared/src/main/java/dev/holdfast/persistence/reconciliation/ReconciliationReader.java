package dev.holdfast.persistence.reconciliation;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.orders.OrderClaims;
import dev.holdfast.persistence.settlement.SettlementItem;
import dev.holdfast.persistence.wallet.WalletItems;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.reconciliation.AccountView;
import dev.holdfast.domain.reconciliation.BucketKey;
import dev.holdfast.domain.reconciliation.EntryAmount;
import dev.holdfast.domain.reconciliation.Mismatch;
import dev.holdfast.domain.reconciliation.OpenOrder;
import dev.holdfast.domain.reconciliation.Reconciliation;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.resources.Tables;
import dev.holdfast.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Reads everything reconciliation compares from DynamoDB — the wallet table (account views and
 * ledger entries), the exposure table (buckets) and the orders table (accepted orders and
 * settlement records) — with strongly consistent parallel scans ({@code segments} segments per
 * table), and runs {@link Reconciliation} over it.
 *
 * <p><b>Guarantees under concurrent writes.</b>
 * <ul>
 *   <li><b>Balances are exact</b> (no false report, no missed drift) whatever commits meanwhile.
 *       An account view and the entries it includes commit in one transaction, entries are never
 *       changed, and a view counts exactly the entries with {@code seq ≤ ledgerSeq}. So each view
 *       is compared only with those entries; entries committed after the view was read are
 *       ignored. If the scan read entries before some of the view's entries existed (its
 *       {@code 1…ledgerSeq} are not all there; sequence numbers have no gaps), the account is read
 *       again on its own — the view first, strongly consistent, then its ledger — which is exact.</li>
 *   <li><b>Exposure is exact or says it could not tell.</b> An account's {@code openExposure} and a
 *       bucket's {@code used} change in the same transaction as an order or its settlement, but the
 *       orders and the views are read at different moments, so a commit in between can make them
 *       look different. Every such candidate is re-checked: its view is read (strongly
 *       consistent), the orders are read again, and the view is read once more. If the view did
 *       not change meanwhile — same account {@code revision}, which every order and settlement of
 *       the account increments; same bucket {@code used}, which every claim moves up and every
 *       release down — then the set of open orders behind it was the same during the whole read,
 *       and the comparison is exact: reported if it differs, dropped if not. A view that kept
 *       changing through {@value #RECHECKS} re-checks (sustained writes to that very account or
 *       bucket) is listed as {@code unverified}, not as drift; the next run decides it. (For a
 *       bucket, an unchanged {@code used} could in theory hide a claim and a release of exactly the
 *       same amount between the two reads, which could make a race look like drift once; it cannot
 *       hide drift.)</li>
 * </ul>
 * Cost: one consistent read of each table (plus the orders table again, at most {@value #RECHECKS}
 * times, when there are candidates);
 * reads, never writes.
 */
public final class ReconciliationReader {
    /** Told how many items of each kind were read so far, as pages arrive (from several threads). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (what, items) -> { };

        void read(String what, long items);
    }

    /** How many times a candidate exposure mismatch is re-checked before it is left unverified. */
    static final int RECHECKS = 3;

    private final DynamoDbClient dynamo;
    private final String wallet;
    private final String orders;
    private final String exposure;
    private final Clock clock;
    private final int segments;

    public ReconciliationReader(Deployment deployment) {
        this(deployment, 4);
    }

    public ReconciliationReader(Deployment deployment, int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("segments must be at least 1");
        }
        this.dynamo = deployment.clients().dynamo();
        this.wallet = deployment.names().table(Tables.WALLET);
        this.orders = deployment.names().table(Tables.ORDERS);
        this.exposure = deployment.names().table(Tables.EXPOSURE);
        this.clock = deployment.clock();
        this.segments = segments;
    }

    public ReconciliationReport run() {
        return run(Progress.NONE);
    }

    public ReconciliationReport run(Progress progress) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ExecutorService pool = Executors.newFixedThreadPool(segments, r -> {
            Thread t = new Thread(r, "reconciliation-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            return run(at, pool, progress);
        } finally {
            pool.shutdownNow();
        }
    }

    private ReconciliationReport run(Instant at, ExecutorService pool, Progress progress) {
        List<Mismatch> mismatches = new ArrayList<>();

        // 1. balances: every view against the entries it includes
        Map<String, AccountView> views = new TreeMap<>();
        Map<String, List<EntryAmount>> ledgers = new HashMap<>();
        for (WalletRow row : scan(pool, wallet, "accounts and ledger entries", walletScan(), ReconciliationReader::walletRow, progress)) {
            if (row.view() != null) {
                views.put(row.view().accountId(), row.view());
            } else {
                ledgers.computeIfAbsent(row.accountId(), k -> new ArrayList<>()).add(row.entry());
            }
        }
        Set<String> accounts = new TreeSet<>(views.keySet());
        accounts.addAll(ledgers.keySet());
        for (String id : accounts) {
            AccountView view = views.get(id);
            List<EntryAmount> entries = ledgers.getOrDefault(id, List.of());
            if (view == null || !Reconciliation.includesWholeLedger(view, entries)) {
                AccountImage fresh = account(id);
                view = fresh.view();
                entries = fresh.entries();
                if (view != null) {
                    views.put(id, view);
                }
            }
            if (view == null) {
                // entries without a view: the view is missing, so it holds nothing
                view = new AccountView(id, null, null, null, null, Long.MAX_VALUE);
            }
            mismatches.addAll(Reconciliation.balanceMismatches(view, entries));
        }

        // 2. exposure: views and buckets against the open orders
        Map<BucketKey, BigDecimal> buckets = new TreeMap<>();
        for (Map.Entry<BucketKey, BigDecimal> b : scan(pool, exposure, "exposure buckets",
                ScanRequest.builder().tableName(exposure).consistentRead(true)
                        .projectionExpression("pk, sk, #scope, #scopeKey, #used")
                        .expressionAttributeNames(Map.of("#scope", "scope", "#scopeKey", "scopeKey", "#used", "used")),
                ReconciliationReader::bucketRow, progress)) {
            buckets.put(b.getKey(), b.getValue());
        }
        List<OpenOrder> open = openOrders(pool, progress);
        Map<String, BigDecimal> storedExposure = new TreeMap<>();
        views.values().forEach(v -> storedExposure.put(v.accountId(), v.openExposure()));
        Map<String, BigDecimal> rebuiltExposure = Reconciliation.openExposureByAccount(open);
        Map<BucketKey, BigDecimal> rebuiltBuckets = Reconciliation.usedByBucket(open);
        List<Mismatch> exposureCandidates = Reconciliation.openExposureMismatches(storedExposure, rebuiltExposure);
        List<Mismatch> bucketCandidates = Reconciliation.bucketMismatches(buckets, rebuiltBuckets);
        accounts.addAll(rebuiltExposure.keySet());
        Set<BucketKey> bucketKeys = new TreeSet<>(buckets.keySet());
        bucketKeys.addAll(rebuiltBuckets.keySet());

        // 3. re-check each candidate until it is decided on a stable view
        Set<String> pendingAccounts = new TreeSet<>();
        exposureCandidates.forEach(m -> pendingAccounts.add(m.item().substring("ACCOUNT#".length())));
        Map<String, BucketKey> byItem = new HashMap<>();
        bucketKeys.forEach(k -> byItem.put(k.item(), k));
        Set<BucketKey> pendingBuckets = new TreeSet<>();
        bucketCandidates.forEach(m -> pendingBuckets.add(byItem.get(m.item())));
        for (Retry.Turns turns = Retry.atOnce(RECHECKS).start(); !(pendingAccounts.isEmpty() && pendingBuckets.isEmpty()) && turns.next(); ) {
            Map<String, Stamp> accountsBefore = new HashMap<>();
            pendingAccounts.forEach(id -> accountsBefore.put(id, stamp(id)));
            Map<BucketKey, BigDecimal> bucketsBefore = new HashMap<>();
            pendingBuckets.forEach(k -> bucketsBefore.put(k, bucket(k)));
            List<OpenOrder> again = openOrders(pool, progress);
            Map<String, BigDecimal> rebuiltExposure2 = Reconciliation.openExposureByAccount(again);
            Map<BucketKey, BigDecimal> rebuiltBuckets2 = Reconciliation.usedByBucket(again);
            for (String id : new ArrayList<>(pendingAccounts)) {
                Stamp before = accountsBefore.get(id);
                if (before.revision() == stamp(id).revision()) {
                    // no order or settlement of this account committed while its orders were read again
                    mismatches.addAll(Reconciliation.openExposureMismatches(Map.of(id, before.openExposure()),
                            Map.of(id, rebuiltExposure2.getOrDefault(id, BigDecimal.ZERO))));
                    pendingAccounts.remove(id);
                }
            }
            for (BucketKey k : new ArrayList<>(pendingBuckets)) {
                BigDecimal before = bucketsBefore.get(k);
                if (before.compareTo(bucket(k)) == 0) {
                    mismatches.addAll(Reconciliation.bucketMismatches(Map.of(k, before),
                            Map.of(k, rebuiltBuckets2.getOrDefault(k, BigDecimal.ZERO))));
                    pendingBuckets.remove(k);
                }
            }
        }
        List<String> unverified = new ArrayList<>();
        pendingAccounts.forEach(id -> unverified.add("ACCOUNT#" + id));
        pendingBuckets.forEach(k -> unverified.add(k.item()));
        return ReconciliationReport.of(at, accounts.size(), bucketKeys.size(), Reconciliation.sorted(mismatches), unverified);
    }

    // ------------------------------------------------------------------------------ wallet

    private record WalletRow(String accountId, AccountView view, EntryAmount entry) {}

    private record AccountImage(AccountView view, List<EntryAmount> entries) {}

    private static final String WALLET_PROJECTION =
            "pk, sk, #cash, #bonus, #held, #exposure, #ledgerSeq, #seq, #fund, #amount, #heldChange";
    private static final Map<String, String> WALLET_NAMES = Map.of("#cash", "cash", "#bonus", "bonus",
            "#held", "heldForWithdrawal", "#exposure", "openExposure", "#ledgerSeq", "ledgerSeq", "#seq", "seq",
            "#fund", "fund", "#amount", "amount", "#heldChange", "heldChange");

    private ScanRequest.Builder walletScan() {
        return ScanRequest.builder().tableName(wallet).consistentRead(true)
                .projectionExpression(WALLET_PROJECTION).expressionAttributeNames(WALLET_NAMES);
    }

    private static WalletRow walletRow(Map<String, AttributeValue> item) {
        String pk = s(item, "pk");
        String sk = s(item, "sk");
        if (pk == null || sk == null || !pk.startsWith(WalletItems.ACCOUNT_PREFIX)) {
            return null;
        }
        String id = pk.substring(WalletItems.ACCOUNT_PREFIX.length());
        if (WalletItems.BALANCE_SK.equals(sk)) {
            return new WalletRow(id, view(id, item), null);
        }
        if (sk.startsWith(WalletItems.LEDGER_PREFIX)) {
            return new WalletRow(id, null, entry(item));
        }
        return null;
    }

    private static AccountView view(String id, Map<String, AttributeValue> item) {
        BigDecimal seq = n(item, "ledgerSeq");
        return new AccountView(id, n(item, "cash"), n(item, "bonus"), n(item, "heldForWithdrawal"),
                n(item, "openExposure"), seq == null ? 0 : seq.longValueExact());
    }

    private static EntryAmount entry(Map<String, AttributeValue> item) {
        return new EntryAmount(n(item, "seq").longValueExact(), Fund.valueOf(s(item, "fund")), n(item, "amount"),
                n(item, "heldChange"));
    }

    /** One account read on its own: the view first (strongly consistent), then its ledger. */
    private AccountImage account(String id) {
        AccountView view = accountView(id);
        List<EntryAmount> entries = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = dynamo.query(b -> b.tableName(wallet).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :ledger)")
                    .projectionExpression(WALLET_PROJECTION).expressionAttributeNames(WALLET_NAMES)
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(WalletItems.accountPk(id)),
                            ":ledger", AttributeValue.fromS(WalletItems.LEDGER_PREFIX)))
                    .exclusiveStartKey(from));
            r.items().forEach(i -> entries.add(entry(i)));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return new AccountImage(view, entries);
    }

    /** An account's revision (0 when it has no view) and stored open exposure. */
    private record Stamp(long revision, BigDecimal openExposure) {}

    private Stamp stamp(String id) {
        var r = dynamo.getItem(b -> b.tableName(wallet).consistentRead(true)
                .projectionExpression("#revision, #exposure")
                .expressionAttributeNames(Map.of("#revision", "revision", "#exposure", "openExposure"))
                .key(Map.of("pk", AttributeValue.fromS(WalletItems.accountPk(id)),
                        "sk", AttributeValue.fromS(WalletItems.BALANCE_SK))));
        if (!r.hasItem() || r.item().isEmpty()) {
            return new Stamp(0, BigDecimal.ZERO);
        }
        BigDecimal revision = n(r.item(), "revision");
        BigDecimal exposure = n(r.item(), "openExposure");
        return new Stamp(revision == null ? 0 : revision.longValueExact(), exposure == null ? BigDecimal.ZERO : exposure);
    }

    private AccountView accountView(String id) {
        var r = dynamo.getItem(b -> b.tableName(wallet).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(WalletItems.accountPk(id)),
                        "sk", AttributeValue.fromS(WalletItems.BALANCE_SK))));
        return r.hasItem() && !r.item().isEmpty() ? view(id, r.item()) : null;
    }

    // ------------------------------------------------------------------------------ exposure

    private static Map.Entry<BucketKey, BigDecimal> bucketRow(Map<String, AttributeValue> item) {
        String pk = s(item, "pk");
        if (!"BUCKET".equals(s(item, "sk")) || pk == null || s(item, "scope") == null || s(item, "scopeKey") == null) {
            return null;
        }
        int bucket = Integer.parseInt(pk.substring(pk.lastIndexOf("#B") + 2));
        BigDecimal used = n(item, "used");
        return Map.entry(new BucketKey(LimitScope.valueOf(s(item, "scope")), s(item, "scopeKey"), bucket),
                used == null ? BigDecimal.ZERO : used);
    }

    private BigDecimal bucket(BucketKey k) {
        var r = dynamo.getItem(b -> b.tableName(exposure).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(k.item()), "sk", AttributeValue.fromS("BUCKET"))));
        BigDecimal used = r.hasItem() ? n(r.item(), "used") : null;
        return used == null ? BigDecimal.ZERO : used;
    }

    // ------------------------------------------------------------------------------ orders

    private record OrderRow(String orderId, boolean settlement, OpenOrder accepted) {}

    private List<OpenOrder> openOrders(ExecutorService pool, Progress progress) {
        ScanRequest.Builder scan = ScanRequest.builder().tableName(orders).consistentRead(true)
                .filterExpression("sk = :settlement OR (sk = :order AND #status = :accepted)")
                .projectionExpression("pk, sk, #owner, #stake, #claims, eventId, selectionId")
                .expressionAttributeNames(Map.of("#status", "status", "#owner", "owner", "#stake", "stake", "#claims", "claims"))
                .expressionAttributeValues(Map.of(":settlement", AttributeValue.fromS(SettlementItem.SK),
                        ":order", AttributeValue.fromS("ORDER"), ":accepted", AttributeValue.fromS("ACCEPTED")));
        Map<String, OpenOrder> accepted = new HashMap<>();
        Set<String> settled = new HashSet<>();
        for (OrderRow row : scan(pool, orders, "accepted orders and settlements", scan, ReconciliationReader::orderRow, progress)) {
            if (row.settlement()) {
                settled.add(row.orderId());
            } else {
                accepted.put(row.orderId(), row.accepted());
            }
        }
        settled.forEach(accepted::remove);
        return new ArrayList<>(accepted.values());
    }

    private static OrderRow orderRow(Map<String, AttributeValue> item) {
        String pk = s(item, "pk");
        if (pk == null || !pk.startsWith("ORDER#")) {
            return null;
        }
        String orderId = pk.substring("ORDER#".length());
        if (SettlementItem.SK.equals(s(item, "sk"))) {
            return new OrderRow(orderId, true, null);
        }
        List<ExposureClaim> claims = OrderClaims.decode(s(item, "claims"), s(item, "owner"), s(item, "eventId"),
                s(item, "selectionId"));
        return new OrderRow(orderId, false, new OpenOrder(orderId, s(item, "owner"), new BigDecimal(s(item, "stake")), claims));
    }

    // ------------------------------------------------------------------------------ scanning

    /** A strongly consistent parallel scan: one task per segment, each paging to the end. */
    private <T> List<T> scan(ExecutorService pool, String table, String what, ScanRequest.Builder base,
                             Function<Map<String, AttributeValue>, T> parse, Progress progress) {
        AtomicLong read = new AtomicLong();
        List<Future<List<T>>> parts = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            ScanRequest.Builder request = base.build().toBuilder().segment(s).totalSegments(segments);
            parts.add(pool.submit(() -> {
                List<T> out = new ArrayList<>();
                Map<String, AttributeValue> start = null;
                do {
                    ScanResponse r = dynamo.scan(request.exclusiveStartKey(start).build());
                    for (Map<String, AttributeValue> item : r.items()) {
                        T t = parse.apply(item);
                        if (t != null) {
                            out.add(t);
                        }
                    }
                    progress.read(what, read.addAndGet(r.count()));
                    start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
                } while (start != null);
                return out;
            }));
        }
        List<T> all = new ArrayList<>();
        for (Future<List<T>> f : parts) {
            try {
                all.addAll(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("reconciliation was interrupted while reading " + table, e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re
                        : new IllegalStateException("reading " + table + " failed", e.getCause());
            }
        }
        return all;
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static BigDecimal n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : new BigDecimal(v.n());
    }
}
