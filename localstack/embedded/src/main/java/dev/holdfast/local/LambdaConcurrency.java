package dev.holdfast.local;

import dev.holdfast.resources.FunctionDef;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lambda's concurrency, locally: how many invocations of each function may run at once. A function
 * with reserved concurrency N runs at most N at a time and has its own N (nobody else's traffic
 * takes them); every other function draws from the account's unreserved pool (the account limit
 * minus every reservation). A synchronous caller (API Gateway) that finds no free slot is
 * throttled at once ({@link #tryEnter}); an event source (SQS, streams, schedules) waits for one
 * ({@link #enter}), as the SQS event source backs off and keeps the messages queued.
 *
 * <p>Without bulkheads ({@link #shared}) every function draws from one pool the size of the account
 * limit, as Lambda does for functions without reservations: a surge on one function can take every
 * slot and throttle the others.
 */
public final class LambdaConcurrency {
    /** One running invocation's slot; closing it frees the slot. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private static final Slot NONE = () -> { };

    private final Map<String, Semaphore> reservedPools;
    private final Map<String, Integer> reserved;
    private final Semaphore unreservedPool;
    private final int unreserved;
    private final boolean limited;
    private final Map<String, AtomicLong> throttles = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> waits = new ConcurrentHashMap<>();

    private LambdaConcurrency(Map<String, Integer> reserved, int unreserved, boolean limited) {
        this.reserved = Map.copyOf(reserved);
        Map<String, Semaphore> pools = new LinkedHashMap<>();
        reserved.forEach((id, n) -> pools.put(id, new Semaphore(n, true)));
        this.reservedPools = Map.copyOf(pools);
        this.unreserved = unreserved;
        this.unreservedPool = new Semaphore(unreserved, true);
        this.limited = limited;
    }

    /** No limit at all (an environment that does not model concurrency). */
    public static LambdaConcurrency unlimited() {
        return new LambdaConcurrency(Map.of(), Integer.MAX_VALUE, false);
    }

    /**
     * Bulkheads: each function in {@code reserved} has its own slots; the rest share the
     * {@code unreserved} pool (in AWS the account limit minus every reservation, at least 100).
     */
    public static LambdaConcurrency reserved(Map<String, Integer> reserved, int unreserved) {
        reserved.forEach((id, n) -> {
            if (n < 1) {
                throw new IllegalArgumentException("reserved concurrency of " + id + " must be >= 1, got " + n);
            }
        });
        if (unreserved < 1) {
            throw new IllegalArgumentException("the unreserved pool must be >= 1, got " + unreserved);
        }
        return new LambdaConcurrency(reserved, unreserved, true);
    }

    /** No bulkheads: every function shares one pool of {@code account} slots. */
    public static LambdaConcurrency shared(int account) {
        if (account < 1) {
            throw new IllegalArgumentException("the account's concurrency must be >= 1, got " + account);
        }
        return new LambdaConcurrency(Map.of(), account, true);
    }

    /**
     * A synchronous invocation's slot, or empty when the function is at its limit: the caller is
     * throttled (Lambda's {@code TooManyRequestsException}). Fair: it never jumps waiting event
     * sources.
     */
    public java.util.Optional<Slot> tryEnter(FunctionDef function) {
        if (!limited) {
            return java.util.Optional.of(NONE);
        }
        Semaphore pool = poolOf(function);
        boolean got;
        try {
            got = pool.tryAcquire(0, TimeUnit.SECONDS); // the timed form honours fairness
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throttles.computeIfAbsent(function.id(), k -> new AtomicLong()).incrementAndGet();
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(pool::release);
    }

    /** An event source's slot: waits until the function has one free. */
    public Slot enter(FunctionDef function) {
        if (!limited) {
            return NONE;
        }
        Semaphore pool = poolOf(function);
        if (!pool.tryAcquire()) {
            waits.computeIfAbsent(function.id(), k -> new AtomicLong()).incrementAndGet();
            pool.acquireUninterruptibly();
        }
        return pool::release;
    }

    private Semaphore poolOf(FunctionDef function) {
        return reservedPools.getOrDefault(function.id(), unreservedPool);
    }

    /** The most invocations of {@code function} that can run at once here (its reservation, or the shared pool). */
    public int limitOf(FunctionDef function) {
        return reserved.getOrDefault(function.id(), unreserved);
    }

    /** Whether {@code function} has slots of its own. */
    public boolean isReserved(FunctionDef function) {
        return reserved.containsKey(function.id());
    }

    public boolean limited() {
        return limited;
    }

    /** Synchronous invocations of {@code function} throttled so far. */
    public long throttled(FunctionDef function) {
        AtomicLong n = throttles.get(function.id());
        return n == null ? 0 : n.get();
    }

    /** Event-source invocations of {@code function} that had to wait for a slot so far. */
    public long waited(FunctionDef function) {
        AtomicLong n = waits.get(function.id());
        return n == null ? 0 : n.get();
    }

    /** One line: the reservations and the shared pool. */
    public String describe() {
        if (!limited) {
            return "unlimited";
        }
        return reserved.isEmpty() ? "one shared pool of " + unreserved + " (no reservations)"
                : "reserved " + new java.util.TreeMap<>(reserved) + ", unreserved pool " + unreserved;
    }
}
