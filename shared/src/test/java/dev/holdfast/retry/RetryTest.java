package dev.holdfast.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryTest {
    static final class Raced extends RuntimeException {}

    static final class Broken extends RuntimeException {}

    /** A fake clock that the sleeper advances: time passes only while pausing. */
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Long> bounds = new ArrayList<>();
    private final List<Long> slept = new ArrayList<>();

    private Retry fake(Retry policy) {
        return policy.on(now::get, nanos -> {
            slept.add(nanos);
            now.addAndGet(nanos);
        }, bound -> {
            bounds.add(bound);
            return bound; // the longest pause the jitter may give
        });
    }

    @Test
    void attemptsLimitTheTriesTheFirstIncluded() {
        Retry.Turns t = fake(Retry.attempts(3)).start();
        assertTrue(t.next());
        t.backOff();
        assertTrue(t.next());
        t.backOff();
        assertTrue(t.next());
        assertFalse(t.next());
        assertEquals(3, t.tries());
        assertEquals(2, t.pauses());
    }

    @Test
    void callTriesAgainWhileRetryableThenRethrowsTheLast() {
        AtomicInteger calls = new AtomicInteger();
        Raced last = new Raced();
        RuntimeException thrown = assertThrows(Raced.class, () -> fake(Retry.attempts(5)).call(() -> {
            calls.incrementAndGet();
            throw last;
        }, e -> e instanceof Raced));
        assertSame(last, thrown);
        assertEquals(5, calls.get());
        assertEquals(4, slept.size(), "a pause between tries, none after the last");
    }

    @Test
    void callReturnsOnceTheBodySucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String r = fake(Retry.attempts(10)).call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new Raced();
            }
            return "done";
        }, e -> e instanceof Raced);
        assertEquals("done", r);
        assertEquals(3, calls.get());
    }

    @Test
    void nonRetryableIsRethrownAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        Broken broken = new Broken();
        assertSame(broken, assertThrows(Broken.class, () -> fake(Retry.attempts(30)).call(() -> {
            calls.incrementAndGet();
            throw broken;
        }, e -> e instanceof Raced)));
        assertEquals(1, calls.get());
        assertTrue(slept.isEmpty());
    }

    @Test
    void spentLimitBecomesWhatTheCallerSays() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> fake(Retry.attempts(2)).run(() -> {
            throw new Raced();
        }, x -> x instanceof Raced, last -> new IllegalStateException("kept racing", last)));
        assertTrue(e.getCause() instanceof Raced);
    }

    @Test
    void backOffDoublesFromBaseUpToCap() {
        Retry.Turns t = fake(Retry.attempts(10).backOff(Duration.ofMillis(4), Duration.ofMillis(44))).start();
        for (int i = 0; i < 6; i++) {
            t.next();
            t.backOff();
        }
        assertEquals(List.of(4_000_000L, 8_000_000L, 16_000_000L, 32_000_000L, 44_000_000L, 44_000_000L), bounds);
    }

    @Test
    void jitterStaysWithinZeroAndTheBound() {
        Retry real = Retry.attempts(1000).backOff(Duration.ofNanos(1000), Duration.ofNanos(8000));
        List<Long> pauses = new ArrayList<>();
        Retry.Turns t = real.on(System::nanoTime, pauses::add).start(); // the shipped jitter
        for (int i = 0; i < 1000 && t.next(); i++) {
            t.backOff();
        }
        for (int k = 0; k < pauses.size(); k++) {
            long bound = Math.min(8000, 1000L << Math.min(k, 20));
            long p = pauses.get(k);
            assertTrue(p >= 0 && p <= bound, "pause " + k + " = " + p + " not in [0, " + bound + "]");
        }
        assertTrue(pauses.stream().distinct().count() > 100, "the pauses are spread, not one value");
    }

    @Test
    void theDefaultJitterIsFull() {
        // the shipped policies draw from [0, bound]: over many draws both ends are approached
        List<Long> pauses = new ArrayList<>();
        Retry.Turns t = Retry.attempts(2000).backOff(Duration.ofNanos(100), Duration.ofNanos(100))
                .on(System::nanoTime, pauses::add).start();
        while (t.next()) {
            t.backOff();
        }
        assertTrue(pauses.stream().allMatch(p -> p >= 0 && p <= 100));
        assertTrue(pauses.stream().anyMatch(p -> p < 10) && pauses.stream().anyMatch(p -> p > 90));
    }

    @Test
    void aBudgetAllowsTheFirstTryThenTriesUntilItIsSpent() {
        Retry policy = fake(Retry.within(Duration.ofMillis(100)).backOff(Duration.ofMillis(10), Duration.ofMillis(10)));
        Retry.Turns t = policy.start();
        int tries = 0;
        while (t.next()) {
            tries++;
            t.backOff();
        }
        // pauses of 10 ms, but never more than a quarter of what is left (at least 1 ms): 100 ms fits a bounded number
        assertTrue(tries > 5 && tries < 40, "tries: " + tries);
        assertTrue(now.get() - 1_000 >= Duration.ofMillis(100).toNanos(), "stops only once the budget is spent");
        for (long b : bounds) {
            assertTrue(b <= 10_000_000L && b >= 1_000_000L, "bound " + b);
        }

        Retry.Turns none = fake(Retry.within(Duration.ZERO)).start();
        assertTrue(none.next(), "the first try always happens");
        assertFalse(none.next());
    }

    @Test
    void aBudgetNeverPausesMoreThanAQuarterOfWhatIsLeft() {
        Retry.Turns t = fake(Retry.within(Duration.ofMillis(40)).backOff(Duration.ofMillis(100), Duration.ofMillis(100))).start();
        t.next();
        t.backOff();
        assertEquals(List.of(10_000_000L), bounds, "a quarter of 40 ms, not the 100 ms base");
    }
}
