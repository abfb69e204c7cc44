package dev.holdfast.local.withdrawals;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.local.testing.ZeroDrift;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.bank.StandInBank;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.local.testing.Withdrawing;
import dev.holdfast.local.testing.Signing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Withdrawals end to end over real HTTP: the API holds the cash, the worker (fed by the real FIFO
 * queue) pays through the stand-in bank over HTTP, and the ledger tells the story. Its own
 * environment, because it sets the bank's mode and halts the platform.
 */
class WithdrawalsTest {
    private static LocalHoldfast env;
    private static Trading trading;
    private static Api api;
    private static Withdrawing w;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0));
        trading = new Trading(env);
        api = trading.api();
        w = new Withdrawing(env, api);
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "WithdrawalsTest");
        } finally {
            env.close();
        }
    }

    @AfterEach
    void succeedAgain() {
        env.bank().mode(StandInBank.Mode.SUCCEED);
    }

    private static String user() {
        return "wd-" + UUID.randomUUID();
    }

    @Test
    void aWithdrawalHoldsAtOnceAndCompletesOnlyWhenTheBankConfirms() {
        String sub = user();
        String token = trading.fundedUser(sub, "100000", "CASH");
        Api.Reply r = w.withdraw(token, "k1", "30000");
        assertEquals(202, r.status(), r.raw());
        assertEquals("PENDING", r.json().path("status").asText());
        String id = r.json().path("withdrawalId").asText();

        JsonNode done = w.awaitFinished(token, id, Duration.ofSeconds(20));
        assertEquals("COMPLETED", done.path("status").asText(), done.toString());
        assertEquals("30000", done.path("amount").asText());
        assertTrue(env.bank().paid(id));

        JsonNode wallet = trading.wallet(token);
        assertEquals("70000", wallet.path("cash").asText());
        assertEquals("0", wallet.path("heldForWithdrawal").asText());

        JsonNode entries = api.get("/wallet/ledger", token).json().path("entries"); // newest first
        assertEquals("WITHDRAWAL_PAID", entries.get(0).path("type").asText());
        assertEquals("0", entries.get(0).path("amount").asText());
        assertEquals("-30000", entries.get(0).path("heldChange").asText());
        assertEquals(id, entries.get(0).path("withdrawalId").asText());
        assertEquals("WITHDRAWAL_HOLD", entries.get(1).path("type").asText());
        assertEquals("-30000", entries.get(1).path("amount").asText());
        assertEquals("30000", entries.get(1).path("heldChange").asText());
        assertEquals("CREDIT", entries.get(2).path("type").asText());
        assertFalse(entries.get(2).has("heldChange"));
        assertEquals(0, env.bank().doublePayments());
        assertTrue(w.violations(env.bank(), List.of(id)).isEmpty(), () -> w.violations(env.bank(), List.of(id)).get());
    }

    @Test
    void aRefusalReleasesTheHold() {
        env.bank().mode(StandInBank.Mode.REFUSE).refusalReason("ACCOUNT_CLOSED");
        String sub = user();
        String token = trading.fundedUser(sub, "50000", "CASH");
        Api.Reply r = w.withdraw(token, "k1", "20000");
        assertEquals(202, r.status(), r.raw());
        String id = r.json().path("withdrawalId").asText();

        JsonNode done = w.awaitFinished(token, id, Duration.ofSeconds(20));
        assertEquals("FAILED", done.path("status").asText(), done.toString());
        assertEquals("ACCOUNT_CLOSED", done.path("failureReason").asText());
        assertFalse(env.bank().paid(id));
        JsonNode wallet = trading.wallet(token);
        assertEquals("50000", wallet.path("cash").asText());
        assertEquals("0", wallet.path("heldForWithdrawal").asText());
        JsonNode newest = api.get("/wallet/ledger", token).json().path("entries").get(0);
        assertEquals("WITHDRAWAL_RELEASE", newest.path("type").asText());
        assertEquals("20000", newest.path("amount").asText());
        assertEquals("-20000", newest.path("heldChange").asText());
        assertTrue(w.violations(env.bank(), List.of(id)).isEmpty());
    }

    @Test
    void fifteenDigitAmountsGoThroughExactly() {
        String sub = user();
        String token = trading.fundedUser(sub, "999999999999999", "CASH");
        BigDecimal before = env.bank().paidTotal();
        Api.Reply r = w.withdraw(token, "big", "999999999999999");
        assertEquals(202, r.status(), r.raw());
        assertEquals("999999999999999", r.json().path("amount").asText());
        String id = r.json().path("withdrawalId").asText();
        JsonNode wallet = trading.wallet(token);
        assertEquals("0", wallet.path("cash").asText());
        assertEquals("999999999999999", wallet.path("heldForWithdrawal").asText());

        JsonNode done = w.awaitFinished(token, id, Duration.ofSeconds(20));
        assertEquals("COMPLETED", done.path("status").asText());
        assertEquals("999999999999999", done.path("amount").asText());
        assertEquals(new BigDecimal("999999999999999"), env.bank().paidTotal().subtract(before));
        assertEquals("0", trading.wallet(token).path("heldForWithdrawal").asText());
    }

    @Test
    void concurrentDuplicatesOfOneKeyHoldOnceAndReplayTheFirstAnswer() throws Exception {
        String sub = user();
        String token = trading.fundedUser(sub, "100000", "CASH");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Api.Reply>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Callable<Api.Reply> c = () -> w.withdraw(token, "same-key", "40000");
                replies.add(pool.submit(c));
            }
            Set<String> ids = new HashSet<>();
            Set<String> bodies = new HashSet<>();
            int replayed = 0;
            for (Future<Api.Reply> f : replies) {
                Api.Reply r = f.get();
                assertEquals(202, r.status(), r.raw());
                ids.add(r.json().path("withdrawalId").asText());
                bodies.add(r.raw());
                if ("true".equals(r.header("Idempotent-Replayed"))) {
                    replayed++;
                }
            }
            assertEquals(1, ids.size());
            assertEquals(1, bodies.size(), "every duplicate replays the first answer byte for byte");
            assertEquals(7, replayed);
            String id = ids.iterator().next();
            assertEquals("COMPLETED", w.awaitFinished(token, id, Duration.ofSeconds(20)).path("status").asText());
            assertEquals("60000", trading.wallet(token).path("cash").asText());
            long holds = w.ledger(sub).stream().filter(e -> e.type().name().equals("WITHDRAWAL_HOLD")).count();
            assertEquals(1, holds);
            // a later replay still answers the first 202 (PENDING), and the same key with another body is refused
            Api.Reply again = w.withdraw(token, "same-key", "40000");
            assertEquals(202, again.status());
            assertEquals("true", again.header("Idempotent-Replayed"));
            Api.Reply other = w.withdraw(token, "same-key", "40001");
            assertEquals(422, other.status());
            assertEquals("IDEMPOTENCY_KEY_REUSED", other.code());
            assertEquals(0, env.bank().doublePayments());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void notEnoughCashIsRefusedAndNotRecorded() {
        String sub = user();
        String token = trading.fundedUser(sub, "1000", "CASH");
        Api.Reply r = w.withdraw(token, "short", "5000");
        assertEquals(422, r.status(), r.raw());
        assertEquals("INSUFFICIENT_FUNDS", r.code());
        assertEquals("1000", trading.wallet(token).path("cash").asText());
        assertEquals(1, w.ledger(sub).size());
        // not recorded: the same key works once the cash is there
        trading.credit(sub, "4000", "CASH");
        Api.Reply later = w.withdraw(token, "short", "5000");
        assertEquals(202, later.status(), later.raw());
        assertNull(later.header("Idempotent-Replayed"));
    }

    @Test
    void bonusCannotBeWithdrawn() {
        String sub = user();
        String token = trading.fundedUser(sub, "100000", "BONUS");
        trading.credit(sub, "100", "CASH");
        Api.Reply r = w.withdraw(token, "bonus", "1000");
        assertEquals(422, r.status(), r.raw());
        assertEquals("INSUFFICIENT_FUNDS", r.code());
        JsonNode wallet = trading.wallet(token);
        assertEquals("100000", wallet.path("bonus").asText());
        assertEquals("100", wallet.path("cash").asText());
        assertEquals("0", wallet.path("heldForWithdrawal").asText());
    }

    @Test
    void haltedPlatformRefusesWithTheNoticeAndCommitsNothing() {
        String sub = user();
        String token = trading.fundedUser(sub, "10000", "CASH");
        Api.Reply halt = api.post("/admin/maintenance", trading.admin(),
                "{\"mode\":\"TRADING_HALTED\",\"notice\":\"Bank maintenance until 10:00\"}");
        assertEquals(200, halt.status(), halt.raw());
        try {
            Api.Reply r = w.withdraw(token, "halted", "1000");
            assertEquals(503, r.status(), r.raw());
            assertEquals("TRADING_HALTED", r.code());
            assertEquals("Bank maintenance until 10:00", r.json().path("error").path("details").path("notice").asText());
            assertEquals("10000", trading.wallet(token).path("cash").asText());
            assertEquals(1, w.ledger(sub).size());
        } finally {
            Api.Reply normal = api.post("/admin/maintenance", trading.admin(), "{\"mode\":\"NORMAL\"}");
            assertEquals(200, normal.status(), normal.raw());
        }
        Api.Reply after = w.withdraw(token, "halted", "1000");
        assertEquals(202, after.status(), "nothing was recorded for the key: " + after.raw());
    }

    /**
     * Issue 14 #10 (withdrawals): one account's own concurrency ends in business outcomes. 50
     * withdrawals of one account at once: each is 202 or a 4xx (INSUFFICIENT_FUNDS once the cash is
     * held), never a 5xx; the accepted ones hold exactly their sum.
     */
    @Test
    void fiftyConcurrentWithdrawalsOfOneAccountEndInTheirBusinessOutcome() throws Exception {
        for (String funding : List.of("500000", "25000")) { // enough for all; enough for 25 of them
            String sub = user();
            String token = trading.fundedUser(sub, funding, "CASH");
            ExecutorService pool = Executors.newFixedThreadPool(50);
            List<Api.Reply> replies = new ArrayList<>();
            try {
                List<Callable<Api.Reply>> calls = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    String key = "burst-" + i;
                    calls.add(() -> w.withdraw(token, key, "1000"));
                }
                for (Future<Api.Reply> f : pool.invokeAll(calls)) {
                    replies.add(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            long accepted = replies.stream().filter(r -> r.status() == 202).count();
            String histogram = replies.stream().collect(java.util.stream.Collectors.groupingBy(Api.Reply::status,
                    java.util.TreeMap::new, java.util.stream.Collectors.counting())).toString();
            for (Api.Reply r : replies) {
                assertTrue(r.status() == 202 || (r.status() == 422 && "INSUFFICIENT_FUNDS".equals(r.code())),
                        funding + ": " + histogram + " " + r.status() + " " + r.raw());
            }
            assertEquals(funding.equals("500000") ? 50 : 25, accepted, funding + ": accepted");
            // the cash left is the funding less exactly the accepted holds (paid or still held)
            JsonNode wallet = trading.wallet(token);
            assertEquals(new BigDecimal(1000 * accepted), new BigDecimal(funding).subtract(new BigDecimal(wallet.path("cash").asText())),
                    "cash left = funding - accepted holds: " + wallet);
            // let the worker pay them all before the next test reads the bank's totals
            for (Api.Reply r : replies) {
                if (r.status() == 202) {
                    JsonNode v = w.awaitFinished(token, r.json().path("withdrawalId").asText(), Duration.ofSeconds(90));
                    assertEquals("COMPLETED", v.path("status").asText(), v.toString());
                }
            }
        }
    }

    /**
     * Issue 14 #2: while the mode is not NORMAL no new transfer goes to the bank; a transfer the bank
     * already has is still asked about and finished by its status; once NORMAL returns the held
     * ones proceed by themselves. Both halting modes.
     */
    @Test
    void whileHaltedNoNewTransferIsSentAndTheHeldOnesProceedOnceNormal() {
        for (String mode : List.of("TRADING_HALTED", "READ_ONLY")) {
            // one transfer the bank already has: booked at once, its answer lost (late)
            String lateSub = user();
            String lateToken = trading.fundedUser(lateSub, "100000", "CASH");
            env.bank().mode(StandInBank.Mode.LATE).lateMillis(3_000);
            Api.Reply late = w.withdraw(lateToken, "late", "1000");
            assertEquals(202, late.status(), late.raw());
            String lateId = late.json().path("withdrawalId").asText();
            long until = System.nanoTime() + 5_000_000_000L;
            while (!env.bank().paid(lateId) && System.nanoTime() < until) {
                Signing.sleep(20);
            }
            assertTrue(env.bank().paid(lateId), "the bank booked the late transfer");
            env.bank().mode(StandInBank.Mode.SUCCEED);

            // ten accepted, then the halt
            String sub = user();
            String token = trading.fundedUser(sub, "100000", "CASH");
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Api.Reply r = w.withdraw(token, "held-" + i, "1000");
                assertEquals(202, r.status(), r.raw());
                ids.add(r.json().path("withdrawalId").asText());
            }
            Api.Reply halt = api.post("/admin/maintenance", trading.admin(), "{\"mode\":\"" + mode + "\"}");
            assertEquals(200, halt.status(), halt.raw());
            long sendsAtHalt = env.bank().sendsReceived();
            long paidAtHalt = ids.stream().filter(env.bank()::paid).count();
            try {
                // the transfer the bank already had is finished by its status, halt or not
                JsonNode lateView = w.awaitFinished(lateToken, lateId, Duration.ofSeconds(8));
                assertEquals("COMPLETED", lateView.path("status").asText(), lateView.toString());
                Signing.sleep(1_500);
                long sentWhileHalted = env.bank().sendsReceived() - sendsAtHalt;
                // one send may have passed its mode check just before the halt committed
                assertTrue(sentWhileHalted <= 1, mode + ": " + sentWhileHalted + " new transfers sent while halted");
                for (String id : ids) {
                    if (!env.bank().paid(id)) {
                        assertEquals("PENDING", w.status(token, id).path("status").asText(), mode + " " + id + " held");
                    }
                }
                assertTrue(ids.stream().filter(env.bank()::paid).count() <= paidAtHalt + 1, mode + ": paid while halted");
            } finally {
                Api.Reply normal = api.post("/admin/maintenance", trading.admin(), "{\"mode\":\"NORMAL\"}");
                assertEquals(200, normal.status(), normal.raw());
            }
            for (String id : ids) {
                JsonNode v = w.awaitFinished(token, id, Duration.ofSeconds(20));
                assertEquals("COMPLETED", v.path("status").asText(), mode + ": the held one proceeds once NORMAL: " + v);
            }
            assertEquals(0, env.bank().doublePayments());
            assertEquals("90000", trading.wallet(token).path("cash").asText());
        }
    }

    @Test
    void anotherUsersWithdrawalIsNotFound() {
        String owner = user();
        String token = trading.fundedUser(owner, "10000", "CASH");
        String id = w.withdraw(token, "mine", "1000").json().path("withdrawalId").asText();
        String stranger = api.token(user());
        Api.Reply r = api.get("/wallet/withdrawals/" + id, stranger);
        assertEquals(404, r.status());
        assertEquals("WITHDRAWAL_NOT_FOUND", r.code());
        assertEquals(404, api.get("/wallet/withdrawals/w-nope", token).status());
        assertEquals(200, api.get("/wallet/withdrawals/" + id, token).status());
    }

    @Test
    void invalidRequestsNameTheFieldAndStoreNothing() {
        String sub = user();
        String token = trading.fundedUser(sub, "10000", "CASH");
        Api.Reply noKey = api.post("/wallet/withdrawals", token, Withdrawing.body("100"));
        assertEquals(400, noKey.status());
        assertEquals("Idempotency-Key", noKey.json().path("error").path("details").path("field").asText());
        String[][] cases = {
                {"{\"amount\":\"-5\",\"destination\":{\"bank\":\"KB\",\"account\":\"1\"}}", "amount"},
                {"{\"amount\":5,\"destination\":{\"bank\":\"KB\",\"account\":\"1\"}}", "amount"},
                {"{\"amount\":\"1000000000000000\",\"destination\":{\"bank\":\"KB\",\"account\":\"1\"}}", "amount"},
                {"{\"amount\":\"0\",\"destination\":{\"bank\":\"KB\",\"account\":\"1\"}}", "amount"},
                {"{\"amount\":\"100\"}", "destination"},
                {"{\"amount\":\"100\",\"destination\":\"KB 1\"}", "destination"},
                {"{\"amount\":\"100\",\"destination\":{\"bank\":\"KB\"}}", "destination.account"},
                {"{\"amount\":\"100\",\"destination\":{\"bank\":\"\",\"account\":\"1\"}}", "destination.bank"},
                {"{\"amount\":\"100\",\"destination\":{\"bank\":\"KB\",\"account\":\"1\",\"x\":1}}", "destination.x"},
                {"{\"amount\":\"100\",\"destination\":{\"bank\":\"KB\",\"account\":\"1\"},\"fund\":\"BONUS\"}", "fund"},
        };
        for (String[] c : cases) {
            Api.Reply r = api.send("POST", "/wallet/withdrawals", token, c[0], "Idempotency-Key", "v-" + UUID.randomUUID());
            assertEquals(400, r.status(), c[0] + " -> " + r.raw());
            assertEquals("VALIDATION_ERROR", r.code());
            assertEquals(c[1], r.json().path("error").path("details").path("field").asText(), c[0]);
        }
        assertEquals(1, w.ledger(sub).size());
        assertEquals("10000", trading.wallet(token).path("cash").asText());
    }
}
