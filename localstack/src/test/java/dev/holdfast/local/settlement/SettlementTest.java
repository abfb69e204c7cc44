package dev.holdfast.local.settlement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Trading;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settlement over real HTTP and the real settlement queue: declaring a result, the worker paying
 * each order once (payout, nothing, refund), exposure released, the market finishing, and every
 * error of the result route.
 */
class SettlementTest {
    private static Trading trading;
    private static Api api;
    private static String admin;

    @BeforeAll
    static void start() {
        trading = new Trading(SharedEnvironment.get());
        api = trading.api();
        admin = trading.admin();
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static void close(JsonNode market) {
        Reply r = api.post("/admin/markets/" + market.path("marketId").asText() + "/state", admin, "{\"state\":\"CLOSED\"}");
        assertEquals(200, r.status(), r.raw());
    }

    private static Reply declare(String marketId, String body, String key) {
        return api.send("POST", "/admin/markets/" + marketId + "/result", admin, body, "Idempotency-Key", key);
    }

    static JsonNode awaitState(String marketId, String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode m = api.get("/markets/" + marketId, admin).json();
            if (state.equals(m.path("state").asText())) {
                return m;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("market " + marketId + " never reached " + state + ": " + m + " progress "
                        + api.get("/admin/markets/" + marketId + "/settlement", admin).raw());
            }
            Markets.sleep(100);
        }
    }

    private static BigInteger big(JsonNode n) {
        return new BigInteger(n.asText());
    }

    @Test
    void aWinnerIsPaidOnceALoserNothingAndEveryStakeLeavesExposure() {
        JsonNode market = trading.openMarket();
        String marketId = market.path("marketId").asText();
        String winnerSub = id("settle-win");
        String loserSub = id("settle-lose");
        String bonusSub = id("settle-bonus");
        String winner = trading.fundedUser(winnerSub, "100000", "CASH");
        String loser = trading.fundedUser(loserSub, "100000", "CASH");
        String bonus = trading.fundedUser(bonusSub, "3000", "BONUS");
        trading.credit(bonusSub, "7000", "CASH");

        Reply w = trading.order(winner, "w1", Trading.orderBody(market, 0, "10000"));
        Reply l = trading.order(loser, "l1", Trading.orderBody(market, 1, "20000"));
        Reply b = trading.order(bonus, "b1", Trading.orderBody(market, 0, "5000"));
        assertEquals(201, w.status(), w.raw());
        assertEquals(201, l.status(), l.raw());
        assertEquals(201, b.status(), b.raw());
        BigInteger winPayout = big(w.json().path("potentialPayout"));
        BigInteger bonusPayout = big(b.json().path("potentialPayout"));

        close(market);
        String winning = market.path("selections").get(0).path("selectionId").asText();
        Reply declared = declare(marketId, "{\"winningSelectionId\":\"" + winning + "\"}", "result-1");
        assertEquals(202, declared.status(), declared.raw());
        assertEquals("SETTLING", declared.json().path("state").asText());
        assertEquals(winning, declared.json().path("result").path("winningSelectionId").asText());

        awaitState(marketId, "SETTLED", Duration.ofSeconds(30));

        JsonNode wo = api.get("/orders/" + w.json().path("orderId").asText(), winner).json();
        assertEquals("WON", wo.path("settlement").path("outcome").asText(), wo.toString());
        assertEquals(winPayout.toString(), wo.path("settlement").path("paid").asText());
        JsonNode lo = api.get("/orders/" + l.json().path("orderId").asText(), loser).json();
        assertEquals("LOST", lo.path("settlement").path("outcome").asText());
        assertEquals("0", lo.path("settlement").path("paid").asText());

        JsonNode ww = trading.wallet(winner);
        assertEquals(BigInteger.valueOf(90_000).add(winPayout).toString(), ww.path("cash").asText());
        assertEquals("0", ww.path("openExposure").asText());
        JsonNode lw = trading.wallet(loser);
        assertEquals("80000", lw.path("cash").asText());
        assertEquals("0", lw.path("openExposure").asText());
        // the bonus stake comes back as bonus; only the winnings become cash
        JsonNode bw = trading.wallet(bonus);
        assertEquals("3000", bw.path("bonus").asText());
        assertEquals(BigInteger.valueOf(5_000).add(bonusPayout).subtract(BigInteger.valueOf(3_000)).toString(),
                bw.path("cash").asText(), bw.toString());

        JsonNode ledger = api.get("/wallet/ledger", winner).json().path("entries");
        long payouts = 0;
        for (JsonNode e : ledger) {
            if ("PAYOUT".equals(e.path("type").asText())) {
                payouts++;
                assertEquals(w.json().path("orderId").asText(), e.path("orderId").asText());
            }
        }
        assertEquals(1, payouts, ledger.toString());

        for (String sub : List.of(winnerSub, loserSub, bonusSub)) {
            JsonNode exposure = api.get("/admin/exposure?scope=USER&id=" + sub, admin).json();
            assertEquals(0, exposure.path("exposure").decimalValue().signum(), exposure.toString());
        }
        JsonNode progress = api.get("/admin/markets/" + marketId + "/settlement", admin).json();
        assertEquals("DONE", progress.path("pass").asText(), progress.toString());
        assertEquals(3, progress.path("ordersSettled").asLong(), progress.toString());
        boolean settledTransition = false;
        for (JsonNode t : api.get("/admin/markets/" + marketId + "/transitions", admin).json().path("transitions")) {
            settledTransition |= "SETTLED".equals(t.path("to").asText()) && "settlement".equals(t.path("cause").asText());
        }
        assertTrue(settledTransition);

        // the list shows settlements too
        JsonNode list = api.get("/orders", winner).json().path("orders");
        assertEquals("WON", list.get(0).path("settlement").path("outcome").asText(), list.toString());
    }

    @Test
    void aVoidRefundsEachFundWhatItPaid() {
        JsonNode market = trading.openMarket();
        String marketId = market.path("marketId").asText();
        String sub = id("settle-void");
        String token = trading.fundedUser(sub, "2000", "BONUS");
        trading.credit(sub, "8000", "CASH");
        Reply o = trading.order(token, "v1", Trading.orderBody(market, 2, "6000"));
        assertEquals(201, o.status(), o.raw());
        close(market);
        assertEquals(202, declare(marketId, "{\"void\":true}", "void-1").status());
        awaitState(marketId, "VOIDED", Duration.ofSeconds(30));
        JsonNode wallet = trading.wallet(token);
        assertEquals("8000", wallet.path("cash").asText(), wallet.toString());
        assertEquals("2000", wallet.path("bonus").asText());
        assertEquals("0", wallet.path("openExposure").asText());
        JsonNode order = api.get("/orders/" + o.json().path("orderId").asText(), token).json();
        assertEquals("VOID", order.path("settlement").path("outcome").asText());
        assertEquals("6000", order.path("settlement").path("paid").asText());
    }

    @Test
    void theResultRouteIsIdempotentAndRefusesWhatItMust() throws Exception {
        JsonNode market = trading.openMarket();
        String marketId = market.path("marketId").asText();
        String winning = market.path("selections").get(1).path("selectionId").asText();
        String body = "{\"winningSelectionId\":\"" + winning + "\"}";

        Reply open = declare(marketId, body, "early");
        assertEquals(409, open.status(), open.raw());
        assertEquals("MARKET_NOT_CLOSED", open.code());
        assertEquals("OPEN", open.json().path("error").path("details").path("state").asText());

        close(market);
        for (String bad : List.of("{}", "{\"void\":true,\"winningSelectionId\":\"" + winning + "\"}", "{\"void\":\"yes\"}",
                "{\"winningSelectionId\":7}", "{\"winner\":\"x\"}", "not json")) {
            Reply r = declare(marketId, bad, "bad");
            assertEquals(400, r.status(), bad + " -> " + r.raw());
            assertEquals("VALIDATION_ERROR", r.code());
        }
        Reply unknown = declare(marketId, "{\"winningSelectionId\":\"s-nope\"}", "unknown");
        assertEquals(404, unknown.status());
        assertEquals("SELECTION_NOT_FOUND", unknown.code());
        Reply noKey = api.send("POST", "/admin/markets/" + marketId + "/result", admin, body);
        assertEquals(400, noKey.status());
        Reply noMarket = declare("m-nope", body, "nope");
        assertEquals(404, noMarket.status());
        assertEquals("MARKET_NOT_FOUND", noMarket.code());
        Reply user = api.send("POST", "/admin/markets/" + marketId + "/result", api.token(id("u")), body,
                "Idempotency-Key", "k");
        assertEquals(403, user.status());

        // concurrent duplicates: one declaration, every answer the same
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            replies.add(pool.submit(() -> declare(marketId, body, "same-key")));
        }
        int replayed = 0;
        String first = null;
        for (Future<Reply> f : replies) {
            Reply r = f.get();
            assertEquals(202, r.status(), r.raw());
            replayed += "true".equals(r.header("Idempotent-Replayed")) ? 1 : 0;
            if (first == null) {
                first = r.json().toString();
            }
            assertEquals(first, r.json().toString());
        }
        pool.shutdown();
        assertEquals(7, replayed);

        Reply reused = declare(marketId, "{\"void\":true}", "same-key");
        assertEquals(422, reused.status());
        assertEquals("IDEMPOTENCY_KEY_REUSED", reused.code());
        Reply again = declare(marketId, "{\"void\":true}", "another-key");
        assertEquals(409, again.status());
        assertEquals("MARKET_NOT_CLOSED", again.code());
        assertFalse(again.json().path("error").path("details").path("result").isMissingNode(), again.raw());

        awaitState(marketId, "SETTLED", Duration.ofSeconds(30));
        long audits = 0;
        JsonNode trail = api.get("/admin/audit?limit=200", admin).json();
        for (JsonNode a : trail.path("records")) {
            audits += "MARKET_RESULT_DECLARED".equals(a.path("action").asText())
                    && ("market/" + marketId).equals(a.path("target").asText()) ? 1 : 0;
        }
        assertEquals(1, audits, trail.toString().substring(0, Math.min(3000, trail.toString().length())));
    }

    @Test
    void whileTradingIsHaltedNoResultIsDeclared() {
        JsonNode market = trading.openMarket();
        String marketId = market.path("marketId").asText();
        close(market);
        assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"TRADING_HALTED\",\"notice\":\"settlement test\"}").status());
        try {
            Reply r = declare(marketId, "{\"void\":true}", "halted");
            assertEquals(503, r.status(), r.raw());
            assertEquals("TRADING_HALTED", r.code());
            assertEquals("settlement test", r.json().path("error").path("details").path("notice").asText());
        } finally {
            assertEquals(200, api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}").status());
        }
        assertEquals("CLOSED", api.get("/markets/" + marketId, admin).json().path("state").asText());
        Reply after = declare(marketId, "{\"void\":true}", "halted");
        assertEquals(202, after.status(), "nothing was stored for the refused key: " + after.raw());
        awaitState(marketId, "VOIDED", Duration.ofSeconds(30));
    }
}
