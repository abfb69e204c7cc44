package dev.holdfast.local.testing;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

/**
 * One embedded local environment per test JVM, on a free port, shared by every integration test
 * class (DynamoDB Local and ElasticMQ take seconds to start once, then milliseconds per test).
 * Tests keep apart by using their own subjects and ids.
 */
public final class SharedEnvironment {
    private SharedEnvironment() {}

    private static LocalHoldfast env;

    public static synchronized LocalHoldfast get() {
        if (env == null) {
            try {
                env = LocalHoldfast.start(LocalOptions.defaults().withPort(0));
            } catch (Exception e) {
                throw new IllegalStateException("local environment failed to start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(env::close));
        }
        return env;
    }
}
