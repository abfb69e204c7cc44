package dev.holdfast.local.testing;

import dev.holdfast.local.testing.Api.Reply;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent order bursts against exposure limits (the order tests' and the global-limit test's). */
public final class Limits {
    private Limits() {}

    /** Runs {@code job} {@code n} times at once (up to 32 threads) and returns every result. */
    public static <T> List<T> concurrently(int n, Callable<T> job) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 32));
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(job));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Sends {@code n} orders at once against a limit of ten orders' worth of exposure: the exposure
     * never passes {@code limit}, is exactly the accepted orders', and the rest are refused
     * {@code LIMIT_EXCEEDED} naming {@code scope}.
     */
    public static void checkLimit(String scope, int n, Callable<Reply> order, Callable<BigDecimal> exposureNow,
                                  BigDecimal limit) throws Exception {
        List<Reply> replies = concurrently(n, order);
        long accepted = replies.stream().filter(r -> r.status() == 201).count();
        BigDecimal exp = exposureNow.call();
        assertTrue(exp.compareTo(limit) <= 0, scope + ": exposure " + exp + " passed the limit " + limit);
        assertEquals(0, exp.compareTo(new BigDecimal("904.7").multiply(BigDecimal.valueOf(accepted))),
                scope + ": exposure is exactly the accepted orders'");
        assertTrue(accepted >= 1 && accepted <= 10, scope + ": accepted " + accepted);
        Set<String> codes = new HashSet<>();
        replies.stream().filter(r -> r.status() != 201).forEach(r -> codes.add(r.code()));
        assertTrue(Set.of("LIMIT_EXCEEDED", "SERVICE_UNAVAILABLE").containsAll(codes), scope + ": " + codes);
        assertTrue(codes.contains("LIMIT_EXCEEDED"), scope);
        Reply limited = replies.stream().filter(r -> "LIMIT_EXCEEDED".equals(r.code())).findFirst().orElseThrow();
        assertEquals(scope, limited.json().path("error").path("details").path("scope").asText());
    }
}
