package dev.holdfast.persistence.exposure;

import dev.holdfast.domain.risk.RiskConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The risk config as the order path reads it: the store's current config, re-read at most once
 * per {@code ttl} (default {@value #DEFAULT_TTL_SECONDS} s) per container.
 *
 * <p>This is how a config change "takes effect without a deploy, within a few seconds": an admin's
 * {@code PUT /admin/risk/config} commits a new version to the table, and every warm container
 * reloads it on its first order after its cached copy is older than {@code ttl}; a new container
 * reads it on its first order. So every order checked more than {@code ttl} after the change
 * commits is checked against it (or a newer one). Orders in that window may still see the previous
 * version; each order is checked against one whole version, never a mix.
 *
 * <p>Thread-safe: one instance serves a container's concurrent invocations. Readers never block
 * each other while the copy is fresh; at most one thread reloads at a time and the others wait for
 * its result rather than reading the table themselves. A failed reload throws (the order fails
 * without committing) and the next call tries again: the cache never serves a copy older than
 * {@code ttl}.
 */
public final class RiskConfigCache {
    public static final long DEFAULT_TTL_SECONDS = 2;

    private record Loaded(RiskConfig config, Instant at) {}

    private final RiskConfigStore store;
    private final Clock clock;
    private final Duration ttl;
    private volatile Loaded loaded;

    public RiskConfigCache(RiskConfigStore store, Clock clock, Duration ttl) {
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative");
        }
        this.ttl = ttl;
    }

    /** With the default ttl of {@value #DEFAULT_TTL_SECONDS} s. */
    public RiskConfigCache(RiskConfigStore store, Clock clock) {
        this(store, clock, Duration.ofSeconds(DEFAULT_TTL_SECONDS));
    }

    /** The current config, at most {@code ttl} old. */
    public RiskConfig current() {
        Loaded l = loaded;
        if (l != null && fresh(l, clock.instant())) {
            return l.config();
        }
        synchronized (this) {
            l = loaded;
            Instant now = clock.instant();
            if (l != null && fresh(l, now)) {
                return l.config();
            }
            RiskConfig c = store.current();
            loaded = new Loaded(c, now);
            return c;
        }
    }

    /** Forgets the cached copy: the next {@link #current()} reads the store. */
    public void invalidate() {
        loaded = null;
    }

    private boolean fresh(Loaded l, Instant now) {
        // a clock that went backwards also reloads
        return !now.isBefore(l.at()) && now.isBefore(l.at().plus(ttl));
    }
}
