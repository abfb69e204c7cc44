package dev.holdfast.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way Holdfast tries something again: a limit (a number of tries, or a time budget) and an
 * exponential back-off with full jitter between tries. A policy is immutable and shared (a
 * constant); each use {@linkplain #start() starts} its own {@link Turns}.
 *
 * <p>Two forms. {@link #call} runs a body and tries it again only while it throws what an explicit
 * predicate calls retryable; anything else is rethrown at once. {@link Turns} keeps a loop's own
 * shape where a lost race is an outcome rather than an exception:
 * <pre>{@code
 * for (Retry.Turns t = CONTENDED.start(); t.next(); ) {
 *     ... read, decide, write; return on success ...
 *     t.backOff();   // lost a race: pause before the next try
 * }
 * throw ...;          // the limit is spent
 * }</pre>
 *
 * <p>The {@code k}-th pause is uniform in {@code [0, min(cap, base·2^(k-1))]} (full
 * jitter, so concurrent losers spread out instead of colliding in lock step); under a time budget
 * never more than a quarter of what is left of it (at least 1 ms), so the last tries still happen.
 * A budget always allows the first try.
 *
 * <p>Every retry loop of the platform and the limits it keeps (the counts and budgets each loop had
 * before it came here; the pauses were a linear 1 to 43 ms before, and are {@link #CONTENDED}'s
 * 4 ms doubling to 44 ms now):
 * <table>
 * <caption>Retry loops and their limits</caption>
 * <tr><th>Where</th><th>Tried again when</th><th>Limit</th><th>Pause</th></tr>
 * <tr><td>{@code OrdersApi} place, record a rejection</td><td>the order commit lost a race (contention, account changed or busy, bucket full)</td><td>time budget {@code CONTENTION_BUDGET} (8 s)</td><td>10 ms to 1 s, both dilated; after contention or an account change only</td></tr>
 * <tr><td>{@code Withdrawals.hold}</td><td>the account changed under the hold; trading resumed after a halt</td><td>time budget: what is left of the request's 9 s</td><td>4 to 120 ms; none after a halt</td></tr>
 * <tr><td>{@code WaitingRoomApi.awaitPosition}</td><td>the claimant has not written the position yet</td><td>time budget 3 s</td><td>5 to 100 ms</td></tr>
 * <tr><td>{@code Settler.settleOne}</td><td>the account or a concurrent transaction conflicted</td><td>30 tries</td><td>{@link #CONTENDED} on a conflict; none when the cancellation brought the account back</td></tr>
 * <tr><td>{@code Settler.finish}</td><td>the market changed</td><td>30 tries</td><td>{@link #CONTENDED}</td></tr>
 * <tr><td>{@code PlatformApi} maintenance</td><td>another admin changed the status</td><td>25 tries</td><td>{@link #CONTENDED}</td></tr>
 * <tr><td>{@code WalletApi} credit</td><td>the account changed; trading resumed after a halt</td><td>25 tries</td><td>{@link #CONTENDED}; none after a halt</td></tr>
 * <tr><td>{@code SignupApi}</td><td>the signup raced; read-only was lifted</td><td>25 tries</td><td>{@link #CONTENDED} after a race</td></tr>
 * <tr><td>{@code WithdrawalWorker.finish}</td><td>the account changed under the verdict</td><td>25 tries</td><td>{@link #CONTENDED}</td></tr>
 * <tr><td>{@code FeedIngester}</td><td>the market changed under the update</td><td>20 tries</td><td>none</td></tr>
 * <tr><td>{@code PostTradeStore.applyChunk}</td><td>the counters conflicted; effects already applied (dropped)</td><td>12 tries</td><td>{@link #CONTENDED} on a conflict</td></tr>
 * <tr><td>{@code BaselineOrdersApi} (bench baseline)</td><td>the order commit lost a race</td><td>12 tries</td><td>{@link #CONTENDED}</td></tr>
 * <tr><td>{@code RiskConfigStore.current}, {@code .replace}</td><td>first-version race; a concurrent transaction</td><td>10 tries</td><td>{@link #CONTENDED}</td></tr>
 * <tr><td>{@code MarketsApi} feed sequence, state, result</td><td>the market changed; trading resumed after a halt</td><td>10 tries</td><td>none, none, {@link #CONTENDED} (none after a halt)</td></tr>
 * <tr><td>{@code SignupWorker}</td><td>the verdict commit raced</td><td>10 tries</td><td>{@link #CONTENDED}</td></tr>
 * <tr><td>{@code RiskProcessor.updateMarket}</td><td>the market changed</td><td>8 tries</td><td>none</td></tr>
 * <tr><td>{@code LiveStore} disconnect, held changes</td><td>a batch write left items unprocessed</td><td>8 tries</td><td>none</td></tr>
 * <tr><td>{@code LiveApi} subscribe, unsubscribe</td><td>the connection's subscriptions changed</td><td>5 tries</td><td>none</td></tr>
 * <tr><td>{@code FeedWatchdog}</td><td>the market changed</td><td>5 tries</td><td>none</td></tr>
 * <tr><td>{@code ReconciliationReader}</td><td>a candidate changed while it was read again</td><td>3 tries ({@code RECHECKS})</td><td>none</td></tr>
 * <tr><td>{@code BatchReads.all} (order, bucket, settlement, counter reads)</td><td>a batch read left keys unprocessed</td><td>unbounded: until none is left</td><td>{@link #CONTENDED}</td></tr>
 * </table>
 */
public final class Retry {
    /** The back-off of contended conditional writes: 4 ms doubling to 44 ms (the old linear pause's range). */
    public static final Duration CONTENDED_BASE = Duration.ofMillis(4);
    public static final Duration CONTENDED_CAP = Duration.ofMillis(44);
    /** The back-off of a time budget unless given: 4 ms doubling to 120 ms. */
    public static final Duration BUDGET_BASE = Duration.ofMillis(4);
    public static final Duration BUDGET_CAP = Duration.ofMillis(120);
    /** How a contended conditional write is retried: {@code CONTENDED.tries(n)}. */
    public static final Retry CONTENDED = new Retry(1, -1, CONTENDED_BASE.toNanos(), CONTENDED_CAP.toNanos(),
            System::nanoTime, Retry::sleep, bound -> ThreadLocalRandom.current().nextLong(bound + 1));

    /** Pauses for a number of nanoseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final int maxTries;
    private final long budgetNanos;
    private final long baseNanos;
    private final long capNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final LongUnaryOperator jitter;

    private Retry(int maxTries, long budgetNanos, long baseNanos, long capNanos, LongSupplier clock, Sleeper sleeper,
                  LongUnaryOperator jitter) {
        if (maxTries < 1) {
            throw new IllegalArgumentException("at least one try");
        }
        if (baseNanos < 0 || capNanos < baseNanos) {
            throw new IllegalArgumentException("need 0 <= base <= cap");
        }
        this.maxTries = maxTries;
        this.budgetNanos = budgetNanos;
        this.baseNanos = baseNanos;
        this.capNanos = capNanos;
        this.clock = clock;
        this.sleeper = sleeper;
        this.jitter = jitter;
    }

    /** At most {@code tries} tries (the first included), with the {@link #CONTENDED} back-off. */
    public static Retry attempts(int tries) {
        return CONTENDED.tries(tries);
    }

    /** At most {@code tries} tries with no pause between them (the loser decides again at once). */
    public static Retry atOnce(int tries) {
        return attempts(tries).backOff(Duration.ZERO, Duration.ZERO);
    }

    /**
     * As many tries as it takes, with the {@link #CONTENDED} back-off: for work DynamoDB hands back
     * unfinished (unprocessed batch keys), which ends once it is all done.
     */
    public static Retry unbounded() {
        return attempts(Integer.MAX_VALUE);
    }

    /** Tries while {@code budget} lasts (the first try always), with a 4 to 120 ms back-off. */
    public static Retry within(Duration budget) {
        return new Retry(Integer.MAX_VALUE, Math.max(0, budget.toNanos()), BUDGET_BASE.toNanos(), BUDGET_CAP.toNanos(),
                System::nanoTime, Retry::sleep, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** This policy limited to {@code tries} tries. */
    public Retry tries(int tries) {
        return new Retry(tries, budgetNanos, baseNanos, capNanos, clock, sleeper, jitter);
    }

    /** This policy with a back-off that starts below {@code base} and doubles up to {@code cap}. */
    public Retry backOff(Duration base, Duration cap) {
        return new Retry(maxTries, budgetNanos, base.toNanos(), cap.toNanos(), clock, sleeper, jitter);
    }

    /**
     * This policy on another clock, sleeper and jitter (tests): {@code jitter} maps an upper bound
     * in nanoseconds to a pause in {@code [0, bound]}.
     */
    public Retry on(LongSupplier nanoClock, Sleeper sleeper, LongUnaryOperator jitter) {
        return new Retry(maxTries, budgetNanos, baseNanos, capNanos, Objects.requireNonNull(nanoClock),
                Objects.requireNonNull(sleeper), Objects.requireNonNull(jitter));
    }

    /** This policy on another clock and sleeper, with its own jitter (tests). */
    public Retry on(LongSupplier nanoClock, Sleeper sleeper) {
        return on(nanoClock, sleeper, jitter);
    }

    /** The turns of one use of this policy. */
    public Turns start() {
        return new Turns(budgetNanos >= 0, budgetNanos >= 0 ? clock.getAsLong() + budgetNanos : 0);
    }

    /**
     * Runs {@code body} until it returns, trying it again (after a back-off) while it throws what
     * {@code retryable} accepts and the limit allows.
     *
     * @throws RuntimeException anything {@code retryable} refuses, at once; the last retryable one
     *                          once the limit is spent
     */
    public <T> T call(Supplier<T> body, Predicate<? super RuntimeException> retryable) {
        return call(body, retryable, last -> last);
    }

    /**
     * {@link #call(Supplier, Predicate)}, throwing what {@code spent} makes of the last retryable
     * exception once the limit is spent.
     */
    public <T> T call(Supplier<T> body, Predicate<? super RuntimeException> retryable,
                      java.util.function.Function<RuntimeException, ? extends RuntimeException> spent) {
        Turns turns = start();
        turns.next();
        while (true) {
            try {
                return body.get();
            } catch (RuntimeException e) {
                if (!retryable.test(e)) {
                    throw e;
                }
                if (!turns.next()) {
                    throw spent.apply(e);
                }
                turns.backOff();
            }
        }
    }

    /** {@link #call(Supplier, Predicate, java.util.function.Function)} for a body with no result. */
    public void run(Runnable body, Predicate<? super RuntimeException> retryable,
                    java.util.function.Function<RuntimeException, ? extends RuntimeException> spent) {
        call(() -> {
            body.run();
            return null;
        }, retryable, spent);
    }

    private static void sleep(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }

    /** One use of a policy: counts its tries and pauses between them. */
    public final class Turns {
        private final boolean timed;
        private final long deadline;
        private int tries;
        private int pauses;

        private Turns(boolean timed, long deadline) {
            this.timed = timed;
            this.deadline = deadline;
        }

        /** Starts a try if the limit allows one (the first always): false once it is spent. */
        public boolean next() {
            if (tries > 0 && (tries >= maxTries || (timed && clock.getAsLong() - deadline >= 0))) {
                return false;
            }
            tries++;
            return true;
        }

        /** Pauses before the next try: full jitter over an exponentially growing bound. */
        public void backOff() {
            long bound = Math.min(capNanos, baseNanos << Math.min(pauses, 20));
            pauses++;
            if (timed) {
                bound = Math.min(bound, Math.max(1_000_000L, (deadline - clock.getAsLong()) / 4));
            }
            if (bound <= 0) {
                return;
            }
            long nanos = jitter.applyAsLong(bound);
            try {
                sleeper.sleep(nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The pauses so far. */
        public int pauses() {
            return pauses;
        }

        /** The tries started so far. */
        public int tries() {
            return tries;
        }
    }
}
