package dev.holdfast.local;

import dev.holdfast.resources.Bulkheads;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bulkheads on this machine: the one sizing the CDK app deploys ({@link Bulkheads#defaults()}:
 * reserved concurrency per function, the account's concurrency) as the {@link LambdaConcurrency} the
 * local function host applies, at a {@link LocalOptions.Concurrency} scale.
 */
public final class LocalBulkheads {
    private LocalBulkheads() {}

    /** The deployed sizing (AWS numbers). */
    public static Bulkheads.Sizing sizing() {
        return Bulkheads.defaults();
    }

    /**
     * This machine's limits: each reservation and the unreserved rest times {@code c.scale()}, rounded
     * up (at least 1 each); without bulkheads one shared pool of the account's concurrency times the
     * scale; none at all when {@code c} is not {@code limited}.
     */
    public static LambdaConcurrency local(LocalOptions.Concurrency c) {
        if (!c.limited()) {
            return LambdaConcurrency.unlimited();
        }
        Bulkheads.Sizing s = sizing();
        if (!c.bulkheads()) {
            return LambdaConcurrency.shared(c.scaled(s.accountConcurrency()));
        }
        Map<String, Integer> scaled = new LinkedHashMap<>();
        s.reserved().forEach((f, n) -> scaled.put(f.id(), c.scaled(n)));
        return LambdaConcurrency.reserved(scaled, c.scaled(s.unreserved()));
    }
}
