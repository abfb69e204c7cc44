package dev.holdfast.local.environment;

import dev.holdfast.local.LambdaConcurrency;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.ZeroDrift;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.local.testing.Withdrawing;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lambda's reserved concurrency in the local function host, over real HTTP: a function whose slots
 * are all taken (here by the test, as if its invocations were running) throttles its API calls with
 * the contract's {@code 429 RATE_LIMITED} and commits nothing, while another function's bulkhead
 * keeps answering; queue work over the limit waits for a slot and is not lost. Its own environment,
 * with AWS's numbers (the default environment applies no limit).
 */
class ReservedConcurrencyTest {
    private static LocalHoldfast env;
    private static Trading trading;
    private static Api api;
    private static Withdrawing w;

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0).withConcurrency(LocalOptions.Concurrency.AWS));
        trading = new Trading(env);
        api = trading.api();
        w = new Withdrawing(env, api);
    }

    @AfterAll
    static void stop() {
        try {
            ZeroDrift.assertZero(env, "ReservedConcurrencyTest");
        } finally {
            env.close();
        }
    }

    /** Takes every slot {@code function} may use, as running invocations would. */
    private static List<LambdaConcurrency.Slot> fill(FunctionDef function) {
        List<LambdaConcurrency.Slot> taken = new ArrayList<>();
        for (int i = 0; i < env.concurrency().limitOf(function); i++) {
            taken.add(env.concurrency().tryEnter(function).orElseThrow());
        }
        assertTrue(env.concurrency().tryEnter(function).isEmpty(), "the function is at its limit");
        return taken;
    }

    @Test
    void aFunctionAtItsLimitIsThrottledWithTheContractsAnswerAndCommitsNothingWhileOthersAnswer() {
        String sub = "bulkhead-" + UUID.randomUUID();
        String token = trading.fundedUser(sub, "100000", "CASH");
        List<LambdaConcurrency.Slot> taken = fill(Functions.WALLET);
        long before = env.concurrency().throttled(Functions.WALLET);
        Api.Reply throttled;
        Api.Reply status;
        try {
            throttled = w.withdraw(token, "bulkhead-1", "30000");
            status = api.get("/status", null);
        } finally {
            taken.forEach(LambdaConcurrency.Slot::close);
        }
        assertEquals(429, throttled.status(), throttled.raw());
        assertEquals("RATE_LIMITED", throttled.code());
        assertEquals("1", throttled.header("Retry-After"));
        assertEquals(1, throttled.json().path("error").path("details").path("retryAfterSeconds").asInt());
        assertNotNull(throttled.header("X-Request-Id"));
        assertEquals(before + 1, env.concurrency().throttled(Functions.WALLET));
        assertEquals(200, status.status(), "the status function's own bulkhead still answers: " + status.raw());

        JsonNode wallet = api.get("/wallet", token).json();
        assertEquals("100000", wallet.path("cash").asText(), "the throttled call held nothing: " + wallet);
        assertEquals("0", wallet.path("heldForWithdrawal").asText());
        Api.Reply again = w.withdraw(token, "bulkhead-1", "30000");
        assertEquals(202, again.status(), again.raw());
        assertNull(again.header("Idempotent-Replayed"), "nothing was recorded under the key, so this is the first withdrawal");
        JsonNode done = w.awaitFinished(token, again.json().path("withdrawalId").asText(), Duration.ofSeconds(30));
        assertEquals("COMPLETED", done.path("status").asText(), done.toString());
    }

    @Test
    void queueWorkOverTheLimitWaitsForASlotAndIsNotLost() {
        String sub = "bulkhead-" + UUID.randomUUID();
        String token = trading.fundedUser(sub, "100000", "CASH");
        String id;
        long waitedBefore = env.concurrency().waited(Functions.WITHDRAWAL_WORKER);
        List<LambdaConcurrency.Slot> taken = fill(Functions.WITHDRAWAL_WORKER);
        try {
            Api.Reply r = w.withdraw(token, "bulkhead-q", "20000");
            assertEquals(202, r.status(), r.raw());
            id = r.json().path("withdrawalId").asText();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (env.concurrency().waited(Functions.WITHDRAWAL_WORKER) == waitedBefore && System.nanoTime() < until) {
                sleep(50);
            }
            assertTrue(env.concurrency().waited(Functions.WITHDRAWAL_WORKER) > waitedBefore, "the worker's delivery waits for a slot");
            assertEquals("PENDING", w.status(token, id).path("status").asText(), "nothing ran while every slot was taken");
        } finally {
            taken.forEach(LambdaConcurrency.Slot::close);
        }
        JsonNode done = w.awaitFinished(token, id, Duration.ofSeconds(30));
        assertEquals("COMPLETED", done.path("status").asText(), "the waiting delivery ran once a slot was free: " + done);
        assertTrue(env.bank().paid(id));
        assertEquals(0, env.bank().doublePayments());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
