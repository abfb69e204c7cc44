package dev.holdfast.local.drill;

import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * An upgrade with a rollback, on persisted data: trading is halted for maintenance with a notice,
 * purchases keep coming in; the functions are "redeployed" (the environment is stopped and new
 * handler instances start on the same {@code --data-dir}), trading resumes on the new version,
 * then the functions are rolled back the same way.
 *
 * <p>Must hold: during maintenance every purchase (order, credit, withdrawal) answers
 * {@code 503 TRADING_HALTED} with the notice in {@code details.notice} and commits nothing (the
 * same keys later make fresh outcomes); neither the redeploy nor the rollback removes or changes
 * any order, ledger entry or audit record (ids and contents compared before and after);
 * 15-digit amounts ({@code 999999999999999}) round-trip through credit, order, withdrawal,
 * balance and ledger, before and after both restarts; the balances reconcile at the end.
 *
 * <p>Sabotage: the rollback's "down-migration" deletes one order item.
 */
public final class UpgradeRollback extends AbstractDrill {
    static final String NAME = "upgrade-rollback";
    public static final String ROLLBACK_KEEPS = "the rollback removes no order, ledger entry or audit record";
    static final String MAX = "999999999999999";
    static final String NOTICE = "Upgrading to v2: trading is back at 10:00 KST";

    public UpgradeRollback(DrillSettings settings) {
        super(NAME,
                "maintenance, redeploy and rollback on persisted data: 503 with the notice, nothing committed, no record lost, 15-digit amounts intact",
                settings);
    }

    /** Everything the drill compares across restarts, keyed by id. */
    private record Snapshot(Map<String, JsonNode> orders, Map<String, JsonNode> ledger, Map<String, JsonNode> audit) {
        String counts() {
            return orders.size() + " orders, " + ledger.size() + " ledger entries, " + audit.size() + " audit records";
        }
    }

    @Override
    public DrillReport run(DrillProgress progress) throws Exception {
        DrillReport report = new DrillReport(NAME);
        Files.createDirectories(settings.workDir());
        Path dataDir = Files.createTempDirectory(settings.workDir().toAbsolutePath(), "upgrade-rollback-data-");
        LocalOptions options = LocalOptions.defaults().withPort(0).withDataDir(dataDir);
        Run r = new Run(progress, report);

        // ------------------------------------------------------------------ v1
        progress.step("v1: starting the environment on " + dataDir);
        try (LocalHoldfast env = LocalHoldfast.start(options)) {
            DrillClient api = new DrillClient(env);
            r.v1Trading(api);
            r.v1BigAmounts(api);
            r.maintenance(api);
        }

        // ------------------------------------------------------------------ redeploy: v2
        progress.step("REDEPLOY: v1 stopped; v2 (new handler instances) starting on the same data dir");
        try (LocalHoldfast env = LocalHoldfast.start(options)) {
            r.redeploy(new DrillClient(env));
        }
        r.checkHaltedKeysNotRecorded();

        // ------------------------------------------------------------------ rollback: v1 again
        progress.step("ROLLBACK: v2 stopped; v1 handlers starting again on the same data dir");
        try (LocalHoldfast env = LocalHoldfast.start(options)) {
            DrillClient api = new DrillClient(env);
            r.rollback(env, api);
            r.checkRoundTrip(api);
            r.checkReconciles(env);
        }
        report.figure("data dir", dataDir);
        return report;
    }

    /** One run of the drill: its users, what v1 wrote and what each restart must still read, phase by phase. */
    private final class Run {
        final DrillProgress progress;
        final DrillReport report;
        final int users = settings.scaled(5, 2);
        final int ordersEach = settings.scaled(3, 2);
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final List<String> subs = new ArrayList<>();
        final Map<String, String> tokens = new LinkedHashMap<>();
        final String bigTrader = "big-trader-" + run;
        final String bigSaver = "big-saver-" + run;
        final String[] v1Market = new String[2];
        final List<String> notFresh = new ArrayList<>();
        String marketId;
        String selection;
        long version;
        Snapshot v1;
        Snapshot v2;
        Map<String, String> roundTripV1;
        int freshAfterHalt = 0;
        int haltKeys = 0;

        Run(DrillProgress progress, DrillReport report) {
            this.progress = progress;
            this.report = report;
        }

        /** v1: a risk config for 15-digit stakes, a priced market, users trading and withdrawing. */
        void v1Trading(DrillClient api) {
            progress.step("v1: risk config for 15-digit stakes, a market, " + users + " users trading and withdrawing");
            api.changeRiskConfig(c -> {
                ((ObjectNode) c.path("stake")).put("max", MAX);
                ((ObjectNode) c.path("limits")).put("global", MAX);
                for (String s : List.of("event", "user", "segment")) {
                    ((ObjectNode) c.path("limits").path(s)).put("default", MAX);
                }
                ((ObjectNode) c.path("feed")).put("keepSeconds", 1800);
                ((ObjectNode) c.path("feed")).put("suspendAfterSeconds", 3600);
                ((ObjectNode) c.path("rateLimits")).put("ordersPerUserPerMinute", 100_000);
                ((ObjectNode) c.path("rateLimits")).put("ordersPerAddressPerMinute", 100_000);
            }, "drill upgrade-rollback");
            String pm = "upgrade-" + run;
            marketId = api.market(pm).path("marketId").asText();
            api.feed(pm, 1, "0.5", "0.5");
            JsonNode market = api.awaitMarket(marketId, m -> !m.path("price").isNull(), Duration.ofSeconds(30));
            api.openMarket(marketId);
            version = market.path("price").path("priceVersion").asLong();
            selection = market.path("selections").get(0).path("selectionId").asText();
            v1Market[0] = marketId;
            v1Market[1] = selection;
            progress.live(() -> subs.size() + "/" + users + " users set up");
            for (int i = 0; i < users; i++) {
                String sub = "upgrader-" + i + "-" + run;
                api.fund(sub, "1000000", "CASH");
                api.fund(sub, "500000", "BONUS");
                subs.add(sub);
                tokens.put(sub, api.token(sub));
                for (int k = 0; k < ordersEach; k++) {
                    api.expect(201, "POST", "/orders", tokens.get(sub), DrillClient.orderBody(marketId, selection, Integer.toString(1000 * (k + 1)), version),
                            "Idempotency-Key", "v1-order-" + k);
                }
                api.expect(202, "POST", "/wallet/withdrawals", tokens.get(sub), DrillClient.withdrawalBody("20000"), "Idempotency-Key", "v1-wd");
            }
        }

        /** 15-digit amounts: a credit and an order of 999999999999999, a credit and a withdrawal of it. */
        void v1BigAmounts(DrillClient api) {
            subs.add(bigTrader);
            tokens.put(bigTrader, api.token(bigTrader));
            api.fund(bigTrader, MAX, "CASH");
            // on a market of its own: a liability this size suspends its market (post-trade risk threshold)
            String bigPm = "upgrade-big-" + run;
            String bigMarket = api.market(bigPm).path("marketId").asText();
            api.feed(bigPm, 1, "0.5", "0.5");
            JsonNode big = api.awaitMarket(bigMarket, m -> !m.path("price").isNull(), Duration.ofSeconds(30));
            api.openMarket(bigMarket);
            api.expect(201, "POST", "/orders", tokens.get(bigTrader), DrillClient.orderBody(bigMarket,
                            big.path("selections").get(0).path("selectionId").asText(), MAX, big.path("price").path("priceVersion").asLong()),
                    "Idempotency-Key", "v1-big-order");
            subs.add(bigSaver);
            tokens.put(bigSaver, api.token(bigSaver));
            api.fund(bigSaver, MAX, "CASH");
            String bigWithdrawal = api.expect(202, "POST", "/wallet/withdrawals", tokens.get(bigSaver), DrillClient.withdrawalBody(MAX),
                    "Idempotency-Key", "v1-big-wd").path("withdrawalId").asText();
            awaitWithdrawals(api, tokens, progress);
            JsonNode bigView = api.get("/wallet/withdrawals/" + bigWithdrawal, tokens.get(bigSaver)).json();
            roundTripV1 = roundTrip(api, tokens, bigTrader, bigSaver);
            roundTripV1.put("withdrawal " + bigView.path("status").asText(), bigView.path("amount").asText(MAX));
        }

        /**
         * v1 halts trading while purchases keep coming: checks "purchases during maintenance get 503
         * TRADING_HALTED with the notice" and "maintenance commits nothing".
         */
        void maintenance(DrillClient api) {
            progress.step("v1: POST /admin/maintenance TRADING_HALTED, then purchases keep coming");
            api.expect(200, "POST", "/admin/maintenance", api.admin(), "{\"mode\":\"TRADING_HALTED\",\"notice\":\"" + NOTICE + "\"}");
            Snapshot beforeHalt = snapshot(api, tokens);
            int halted = 0;
            int withNotice = 0;
            int purchases = 0;
            List<String> wrong = new ArrayList<>();
            for (String sub : subs) {
                List<DrillClient.Reply> replies = List.of(
                        api.order(tokens.get(sub), "halt-order", DrillClient.orderBody(marketId, selection, "1000", version)),
                        api.withdraw(tokens.get(sub), "halt-wd", "1000"),
                        api.credit(sub, "1000", "CASH", "halt-credit-" + sub.hashCode()));
                for (DrillClient.Reply r : replies) {
                    purchases++;
                    if (r.status() == 503 && "TRADING_HALTED".equals(r.code())) {
                        halted++;
                    } else if (wrong.size() < 3) {
                        wrong.add(r.status() + " " + r.raw());
                    }
                    if (NOTICE.equals(r.json().path("error").path("details").path("notice").asText(null))) {
                        withNotice++;
                    }
                }
            }
            Snapshot afterHalt = snapshot(api, tokens);
            report.check("purchases during maintenance get 503 TRADING_HALTED with the notice", halted == purchases && withNotice == purchases,
                    "%d purchases (orders, withdrawals, credits): %d answered 503 TRADING_HALTED, %d with details.notice = \"%s\"%s",
                    purchases, halted, withNotice, NOTICE, wrong.isEmpty() ? "" : "; e.g. " + wrong);
            report.check("maintenance commits nothing", afterHalt.orders().equals(beforeHalt.orders()) && afterHalt.ledger().equals(beforeHalt.ledger())
                            && afterHalt.audit().equals(beforeHalt.audit()),
                    "before the purchases: %s; after: %s", beforeHalt.counts(), afterHalt.counts());
            v1 = afterHalt;
        }

        /**
         * v2 on v1's data: checks "the redeploy removes no order, ledger entry or audit record", ends
         * maintenance, retries the halted keys and trades on.
         */
        void redeploy(DrillClient api) {
            Snapshot after = snapshot(api, tokens);
            report.check("the redeploy removes no order, ledger entry or audit record", kept(v1, after).isEmpty(),
                    "v1: %s; v2 reads %s%s", v1.counts(), after.counts(), kept(v1, after).isEmpty() ? "" : "; " + kept(v1, after));
            JsonNode status = api.expect(200, "GET", "/status", null, null);
            progress.step("v2: maintenance still on (" + status.path("mode").asText() + "); ending it, retrying the halted keys, trading on v2");
            api.expect(200, "POST", "/admin/maintenance", api.admin(), "{\"mode\":\"NORMAL\"}");
            JsonNode market = api.marketView(v1Market[0]);
            String marketId = v1Market[0];
            String selection = v1Market[1];
            long version = market.path("price").path("priceVersion").asLong();
            report.figure("market after the redeploy", market.path("state").asText() + " at price version " + version);
            for (String sub : subs) {
                if (sub.equals(bigTrader) || sub.equals(bigSaver)) {
                    continue; // their 15-digit balances stay as they were, for the round trip
                }
                List<DrillClient.Reply> replies = List.of(
                        api.order(tokens.get(sub), "halt-order", DrillClient.orderBody(marketId, selection, "1000", version)),
                        api.withdraw(tokens.get(sub), "halt-wd", "1000"),
                        api.credit(sub, "1000", "CASH", "halt-credit-" + sub.hashCode()));
                for (DrillClient.Reply r : replies) {
                    haltKeys++;
                    if ((r.status() == 201 || r.status() == 202) && r.header("Idempotent-Replayed") == null) {
                        freshAfterHalt++;
                    } else if (notFresh.size() < 3) {
                        notFresh.add(r.status() + " " + r.raw());
                    }
                }
                api.order(tokens.get(sub), "v2-order", DrillClient.orderBody(marketId, selection, "2000", version));
            }
            awaitWithdrawals(api, tokens, progress);
            v2 = snapshot(api, tokens);
        }

        void checkHaltedKeysNotRecorded() {
            report.check("keys refused during maintenance were never recorded", freshAfterHalt == haltKeys,
                    "%d of %d keys refused during maintenance made a fresh outcome (201/202, not a replay) once it ended%s",
                    freshAfterHalt, haltKeys, notFresh.isEmpty() ? "" : "; others: " + notFresh);
        }

        /** v1 again on v2's data (sabotaged: the down-migration deletes an order): checks {@link #ROLLBACK_KEEPS}. */
        void rollback(LocalHoldfast env, DrillClient api) {
            if (settings.sabotage()) {
                progress.note("SABOTAGE: the rollback's down-migration deletes one order item");
                String victim = v2.orders().keySet().iterator().next();
                env.deployment().clients().dynamo().deleteItem(b -> b.tableName(env.deployment().names().table(Tables.ORDERS))
                        .key(Map.of("pk", AttributeValue.fromS("ORDER#" + victim), "sk", AttributeValue.fromS("ORDER"))));
            }
            Snapshot after = snapshot(api, tokens);
            List<String> lost = kept(v2, after);
            report.check(ROLLBACK_KEEPS, lost.isEmpty(),
                    "v2: %s; after the rollback: %s%s", v2.counts(), after.counts(), lost.isEmpty() ? "" : "; " + lost);
        }

        /** "15-digit amounts round-trip": every place reads 999999999999999 exactly, before and after both restarts. */
        void checkRoundTrip(DrillClient api) {
            Map<String, String> roundTripAfter = roundTrip(api, tokens, bigTrader, bigSaver);
            boolean exact = roundTripV1.size() >= 6 && roundTripV1.values().stream().allMatch(MAX::equals);
            Map<String, String> expectedAfter = new LinkedHashMap<>(roundTripV1);
            expectedAfter.keySet().removeIf(k -> k.startsWith("withdrawal "));
            boolean same = roundTripAfter.equals(expectedAfter);
            report.check("15-digit amounts round-trip", exact && same,
                    "%d places must read %s exactly: %s; after the redeploy and the rollback: %s",
                    roundTripV1.size(), MAX, roundTripV1.keySet().stream().map(k -> k.replaceAll(" entry .*", " entry")).toList(),
                    same ? "all identical" : roundTripAfter);
        }

        void checkReconciles(LocalHoldfast env) {
            progress.step("reconciling after the rollback");
            ReconciliationReport recon = new ReconciliationReader(env.deployment(), 4).run();
            report.check("balances reconcile after the rollback", recon.drift() == 0,
                    "%d accounts, %d exposure views, drift %d", recon.accountsChecked(), recon.exposuresChecked(), recon.drift());
        }
    }

    /** Ids present before and gone (or changed) after, as a short description; empty when everything was kept. */
    private static List<String> kept(Snapshot before, Snapshot after) {
        List<String> out = new ArrayList<>();
        compare("order", before.orders(), after.orders(), out);
        compare("ledger entry", before.ledger(), after.ledger(), out);
        compare("audit record", before.audit(), after.audit(), out);
        return out;
    }

    private static void compare(String kind, Map<String, JsonNode> before, Map<String, JsonNode> after, List<String> out) {
        long missing = before.keySet().stream().filter(id -> !after.containsKey(id)).count();
        long changed = before.entrySet().stream().filter(e -> after.containsKey(e.getKey()) && !after.get(e.getKey()).equals(e.getValue())).count();
        if (missing > 0 || changed > 0) {
            out.add(String.format(Locale.ROOT, "%s: %d missing, %d changed", kind, missing, changed));
        }
    }

    /** Every order and ledger entry of the drill's users and every audit record, through the API. */
    private static Snapshot snapshot(DrillClient api, Map<String, String> tokens) {
        Map<String, JsonNode> orders = new LinkedHashMap<>();
        Map<String, JsonNode> ledger = new LinkedHashMap<>();
        for (String token : tokens.values()) {
            for (JsonNode o : api.orders(token)) {
                ObjectNode copy = o.deepCopy();
                copy.remove("settlement"); // a view of the settlement record, not of the order
                orders.put(o.path("orderId").asText(), copy);
            }
            api.ledger(token).forEach(e -> ledger.put(e.path("entryId").asText(), e));
        }
        Map<String, JsonNode> audit = new LinkedHashMap<>();
        api.audit().forEach(a -> audit.put(a.path("auditId").asText(), a));
        return new Snapshot(orders, ledger, audit);
    }

    /**
     * Where a 15-digit amount must read exactly, by place: the big trader's order and wallet, and
     * every ledger entry of the big trader and saver that moved 999999999999999.
     */
    private static Map<String, String> roundTrip(DrillClient api, Map<String, String> tokens, String bigTrader, String bigSaver) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode o : api.orders(tokens.get(bigTrader))) {
            out.put("order stake", o.path("stake").asText());
        }
        out.put("wallet openExposure", api.get("/wallet", tokens.get(bigTrader)).json().path("openExposure").asText());
        for (String sub : List.of(bigTrader, bigSaver)) {
            for (JsonNode e : api.ledger(tokens.get(sub))) {
                String amount = e.path("amount").asText().replace("-", "");
                if (amount.equals(MAX)) {
                    out.put(e.path("type").asText() + " entry " + e.path("entryId").asText(), amount);
                }
            }
        }
        return out;
    }

    private static void awaitWithdrawals(DrillClient api, Map<String, String> tokens, DrillProgress progress) {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String token : tokens.values()) {
            for (JsonNode e : api.ledger(token)) {
                String id = e.path("withdrawalId").asText(null);
                if (id == null) {
                    continue;
                }
                while (api.get("/wallet/withdrawals/" + id, token).json().path("status").asText().equals("PENDING")) {
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException("withdrawal " + id + " never finished");
                    }
                    DrillClient.sleep(100);
                }
            }
        }
    }
}
