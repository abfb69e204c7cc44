package dev.holdfast.local.testing;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

/**
 * One embedded local environment per test JVM, on a free port, shared by every integration test
 * class (DynamoDB Local and ElasticMQ take seconds to start once, then milliseconds per test).
 * Tests keep apart by using their own subjects and ids. The change freeze is off here: rollouts
 * register their cohorts as surges, and a surge in one test class must not freeze another's
 * maintenance changes ({@code SurgesTest} runs its own environment with the freeze on).
 */
public final class SharedEnvironment {
    private SharedEnvironment() {}

    private static LocalHoldfast env;
    private static long uses;

    /** How many times {@link #get} was called (lets {@link ZeroDrift} tell which classes used it). */
    public static synchronized long uses() {
        return uses;
    }

    /** The environment if some test started it, without starting it. */
    public static synchronized java.util.Optional<LocalHoldfast> ifStarted() {
        return java.util.Optional.ofNullable(env);
    }

    public static synchronized LocalHoldfast get() {
        uses++;
        if (env == null) {
            try {
                env = LocalHoldfast.start(LocalOptions.defaults().withPort(0).withFreezeLead("off"));
            } catch (Exception e) {
                throw new IllegalStateException("local environment failed to start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(env::close));
        }
        return env;
    }
}
