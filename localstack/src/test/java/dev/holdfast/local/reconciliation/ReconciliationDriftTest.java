package dev.holdfast.local.reconciliation;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.ExposureStore;
import dev.holdfast.persistence.orders.OrderStore;
import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import dev.holdfast.persistence.wallet.WalletStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.order.Order;
import dev.holdfast.domain.reconciliation.Mismatch;
import dev.holdfast.domain.reconciliation.MismatchKind;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.domain.settlement.MarketResult;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.functions.reconciliation.Reconciler;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.local.testing.ZeroDrift;
import dev.holdfast.resources.Tables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reconciliation over a real environment: zero drift while and after orders, credits and
 * settlements commit concurrently; a view tampered with by hand (failure injection through the
 * raw client) is exactly one drift with the right mismatch, and zero again once restored; the
 * admin routes, the audit record and the scheduled function.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconciliationDriftTest {
    private static LocalHoldfast env;
    private static Trading trading;
    private static final List<String> users = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0));
        trading = new Trading(env);
        trading.changeRiskConfig(Trading::forVolume);
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "ReconciliationDriftTest");
        } finally {
            env.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void latestIsANotRunErrorBeforeTheFirstRun() {
        Reply r = trading.api().get("/admin/reconciliation/latest", trading.admin());
        assertEquals(404, r.status(), r.raw());
        assertEquals("RECONCILIATION_NOT_RUN", r.code());
        assertEquals(403, trading.api().get("/admin/reconciliation/latest", trading.api().token("u-plain")).status());
        assertEquals(403, trading.api().post("/admin/reconciliation/runs", trading.api().token("u-plain"), "{}").status());
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void aBusyEnvironmentHasZeroDriftWhileAndAfterTrading() throws Exception {
        JsonNode m1 = trading.openMarket();
        JsonNode m2 = trading.openMarket("0.4", "0.35", "0.25");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String sub = "rec-" + UUID.randomUUID();
            users.add(sub);
            tokens.add(trading.fundedUser(sub, "500000", i % 2 == 0 ? "CASH" : "BONUS"));
        }
        ReconciliationReader reader = new ReconciliationReader(env.deployment(), 4);
        AtomicBoolean trading = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                for (int i = 0; i < 40; i++) {
                    String token = tokens.get((thread + i) % tokens.size());
                    JsonNode market = i % 2 == 0 ? m1 : m2;
                    Reply r = ReconciliationDriftTest.trading.order(token, "k-" + UUID.randomUUID(),
                            Trading.orderBody(market, i % 2, Integer.toString(1000 + 7 * i)));
                    assertTrue(r.status() == 201 || r.status() == 200 || r.status() == 422 || r.status() == 409, r.raw());
                    if (i % 10 == 0) {
                        ReconciliationDriftTest.trading.credit(users.get((thread + i) % users.size()), "333", i % 20 == 0 ? "CASH" : "BONUS");
                    }
                }
                return null;
            }));
        }
        List<ReconciliationReport> during = new ArrayList<>();
        Future<?> watcher = pool.submit(() -> {
            while (trading.get()) {
                during.add(reader.run());
            }
            return null;
        });
        for (Future<?> f : work) {
            f.get(120, TimeUnit.SECONDS);
        }
        trading.set(false);
        watcher.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertTrue(!during.isEmpty());
        for (ReconciliationReport r : during) {
            assertEquals(0, r.drift(), () -> "drift while trading: " + r.mismatches());
        }

        // settle some of the orders as the settlement worker does: record + posting + release, one transaction
        settleSome(m1, MarketResult.winner(m1.path("selections").get(0).path("selectionId").asText()));
        settleSome(m2, MarketResult.voidResult());

        Reply started = ReconciliationDriftTest.trading.api().post("/admin/reconciliation/runs", ReconciliationDriftTest.trading.admin(), "{}");
        assertEquals(202, started.status(), started.raw());
        assertEquals("STARTED", started.json().path("status").asText());
        String runId = started.json().path("runId").asText();
        Reply latest = ReconciliationDriftTest.trading.api().get("/admin/reconciliation/latest", ReconciliationDriftTest.trading.admin());
        assertEquals(200, latest.status(), latest.raw());
        assertEquals(runId, latest.json().path("runId").asText());
        assertEquals(0, latest.json().path("drift").asInt(), latest.raw());
        assertEquals(0, latest.json().path("mismatches").size());
        assertEquals(0, latest.json().path("unverified").size());
        assertTrue(latest.json().path("accountsChecked").asInt() >= 6, latest.raw());
        assertTrue(latest.json().path("exposuresChecked").asInt() > 0, latest.raw());
        assertTrue(latest.json().path("at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        Reply audit = ReconciliationDriftTest.trading.api().get("/admin/audit?limit=20", ReconciliationDriftTest.trading.admin());
        assertTrue(audit.raw().contains("RECONCILIATION_RUN") && audit.raw().contains(runId), audit.raw());
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void aTamperedBalanceIsOneDriftWithItsMismatchAndRestoringItClearsIt() {
        String sub = users.isEmpty() ? "rec-" + UUID.randomUUID() : users.get(0);
        if (users.isEmpty()) {
            trading.credit(sub, "1000", "CASH");
        }
        Deployment d = env.deployment();
        Account before = new WalletStore(d, new AuditLog(d)).account(sub);
        addToAccount(sub, "cash", "1"); // failure injection: a write that bypasses the ledger
        try {
            Reply started = trading.api().post("/admin/reconciliation/runs", trading.admin(), null);
            assertEquals(202, started.status(), started.raw());
            Reply latest = trading.api().get("/admin/reconciliation/latest", trading.admin());
            assertEquals(1, latest.json().path("drift").asInt(), latest.raw());
            JsonNode m = latest.json().path("mismatches").get(0);
            assertEquals("ACCOUNT_CASH", m.path("kind").asText());
            assertEquals("ACCOUNT#" + sub, m.path("item").asText());
            assertEquals(before.cash().plus(dev.holdfast.domain.money.Amount.of(1)).text(), m.path("stored").asText());
            assertEquals(before.cash().text(), m.path("rebuilt").asText());
        } finally {
            addToAccount(sub, "cash", "-1");
        }
        assertEquals(0, new ReconciliationReader(d, 2).run().drift());
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void aTamperedExposureViewIsOneDriftEach() {
        String sub = users.isEmpty() ? null : users.get(1);
        org.junit.jupiter.api.Assumptions.assumeTrue(sub != null);
        String bucketPk = "GLOBAL#GLOBAL#B5";
        addToAccount(sub, "openExposure", "10");
        addToBucket(bucketPk, "2.5");
        try {
            ReconciliationReport r = new ReconciliationReader(env.deployment(), 3).run();
            assertEquals(2, r.drift(), r.mismatches()::toString);
            Mismatch account = r.mismatches().stream().filter(x -> x.kind() == MismatchKind.ACCOUNT_OPEN_EXPOSURE).findFirst().orElseThrow();
            assertEquals("ACCOUNT#" + sub, account.item());
            assertEquals(0, account.stored().subtract(account.rebuilt()).compareTo(BigDecimal.TEN));
            Mismatch bucket = r.mismatches().stream().filter(x -> x.kind() == MismatchKind.EXPOSURE_BUCKET).findFirst().orElseThrow();
            assertEquals(bucketPk, bucket.item());
            assertEquals(0, bucket.stored().subtract(bucket.rebuilt()).compareTo(new BigDecimal("2.5")));
        } finally {
            addToAccount(sub, "openExposure", "-10");
            addToBucket(bucketPk, "-2.5");
        }
        assertEquals(0, new ReconciliationReader(env.deployment(), 1).run().drift());
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void theScheduledFunctionStoresItsRun() {
        var run = new Reconciler(env.deployment()).runOnce("test-schedule");
        assertEquals(0, run.report().drift());
        Reply latest = trading.api().get("/admin/reconciliation/latest", trading.admin());
        assertEquals(run.runId(), latest.json().path("runId").asText(), latest.raw());
        assertEquals("schedule", latest.json().path("trigger").asText());
    }

    // ------------------------------------------------------------------------------ helpers

    private static void addToAccount(String sub, String attribute, String delta) {
        raw().updateItem(b -> b.tableName(env.deployment().names().table(Tables.WALLET))
                .key(Map.of("pk", AttributeValue.fromS("ACCOUNT#" + sub), "sk", AttributeValue.fromS("BALANCE")))
                .updateExpression("SET #a = #a + :d")
                .expressionAttributeNames(Map.of("#a", attribute))
                .expressionAttributeValues(Map.of(":d", AttributeValue.fromN(delta))));
    }

    private static void addToBucket(String pk, String delta) {
        raw().updateItem(b -> b.tableName(env.deployment().names().table(Tables.EXPOSURE))
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("BUCKET")))
                .updateExpression("SET #u = if_not_exists(#u, :zero) + :d, #s = :scope, #k = :key")
                .expressionAttributeNames(Map.of("#u", "used", "#s", "scope", "#k", "scopeKey"))
                .expressionAttributeValues(Map.of(":d", AttributeValue.fromN(delta), ":zero", AttributeValue.fromN("0"),
                        ":scope", AttributeValue.fromS("GLOBAL"), ":key", AttributeValue.fromS("GLOBAL"))));
    }

    private static DynamoDbClient raw() {
        return env.deployment().clients().dynamo();
    }

    /** Settles every other accepted order of {@code market}, as the settlement worker will. */
    private static void settleSome(JsonNode market, MarketResult result) {
        Deployment d = env.deployment();
        OrderStore orders = new OrderStore(d);
        WalletStore wallets = new WalletStore(d, new AuditLog(d));
        ExposureStore exposure = new ExposureStore(d);
        List<Order.Accepted> accepted = new ArrayList<>();
        java.util.Optional<String> cursor = java.util.Optional.empty();
        do {
            OrderStore.OrderPage<Order.Accepted> page = orders.acceptedInMarket(market.path("marketId").asText(), 100, cursor);
            accepted.addAll(page.orders());
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        assertTrue(accepted.size() > 4, "accepted orders in " + market.path("marketId").asText() + ": " + accepted.size());
        for (int i = 0; i < accepted.size(); i += 2) {
            Order.Accepted o = accepted.get(i);
            Settlement s = Settlement.of(o, result, Instant.now());
            for (int attempt = 0; ; attempt++) {
                List<TransactWriteItem> actions = new ArrayList<>();
                actions.add(orders.settlementPutAction(s));
                actions.addAll(wallets.postingActions(s.posting(wallets.account(o.ownerSub()), o)));
                for (ExposureClaim c : o.claims()) {
                    actions.add(exposure.releaseAction(c));
                }
                try {
                    raw().transactWriteItems(b -> b.transactItems(actions));
                    break;
                } catch (TransactionCanceledException e) {
                    if (attempt > 10) {
                        throw e;
                    }
                }
            }
        }
    }
}
