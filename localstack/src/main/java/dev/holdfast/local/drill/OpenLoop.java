package dev.holdfast.local.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Open-loop traffic, as a crowd sends it: requests start at a fixed rate whether or not earlier
 * ones have answered (a slow platform gets more requests in flight, not fewer requests), run on a
 * pool of client threads.
 */
final class OpenLoop implements AutoCloseable {
    private final ExecutorService pool;
    private final List<Future<?>> started = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong done = new AtomicLong();

    OpenLoop(int clientThreads) {
        this.pool = Executors.newFixedThreadPool(clientThreads, r -> {
            Thread t = new Thread(r, "drill-client");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code perSecond × seconds} requests evenly over {@code seconds}; request {@code n}
     * (counting on from earlier phases) runs {@code request.accept(n)}. Returns when the last one
     * has been started, not answered.
     */
    void run(double perSecond, double seconds, LongConsumer request) {
        long count = Math.round(perSecond * seconds);
        long t0 = System.nanoTime();
        double gapNanos = 1e9 / perSecond;
        for (long i = 0; i < count; i++) {
            long due = t0 + Math.round(i * gapNanos);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                DrillClient.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            }
            long n = sent.getAndIncrement();
            synchronized (started) {
                started.add(pool.submit(() -> {
                    try {
                        request.accept(n);
                    } finally {
                        done.incrementAndGet();
                    }
                }));
            }
        }
    }

    long sent() {
        return sent.get();
    }

    long inFlight() {
        return sent.get() - done.get();
    }

    /** Waits for every started request to answer; rethrows the first failure of the client itself. */
    void awaitAll() throws Exception {
        List<Future<?>> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        for (Future<?> f : all) {
            f.get(5, TimeUnit.MINUTES);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
