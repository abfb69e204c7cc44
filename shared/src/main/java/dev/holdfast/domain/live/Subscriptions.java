package dev.holdfast.domain.live;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The markets one connection is subscribed to, never more than {@code limit}. A subscribe that
 * would go over the limit is refused as a whole (nothing is added), so a client never holds a
 * partial subscription it did not ask for.
 */
public record Subscriptions(Set<String> marketIds, int limit) {
    /** The default bound per connection (a market page shows a few dozen markets at most). */
    public static final int DEFAULT_LIMIT = 50;
    /** Most market ids one subscribe or unsubscribe may name. */
    public static final int MAX_PER_MESSAGE = 50;

    public Subscriptions {
        marketIds = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(marketIds));
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        if (marketIds.size() > limit) {
            throw new IllegalArgumentException("more subscriptions than the limit");
        }
    }

    public static Subscriptions none(int limit) {
        return new Subscriptions(Set.of(), limit);
    }

    /** The answer to a subscribe. */
    public sealed interface Outcome {
        /** Subscribed: the new set, and the ids that were not subscribed before (in request order). */
        record Subscribed(Subscriptions after, List<String> added) implements Outcome {}

        /** Refused: the set would hold {@code wouldHold} markets, over {@code limit}. */
        record OverLimit(int limit, int wouldHold) implements Outcome {}
    }

    /** Adds {@code requested}; refuses all of it if the result would exceed the limit. */
    public Outcome subscribe(Collection<String> requested) {
        Objects.requireNonNull(requested);
        LinkedHashSet<String> next = new LinkedHashSet<>(marketIds);
        List<String> added = new java.util.ArrayList<>();
        for (String id : requested) {
            if (next.add(Objects.requireNonNull(id))) {
                added.add(id);
            }
        }
        if (next.size() > limit) {
            return new Outcome.OverLimit(limit, next.size());
        }
        return new Outcome.Subscribed(new Subscriptions(next, limit), List.copyOf(added));
    }

    /** Removes {@code ids}; ids not subscribed are ignored. */
    public Subscriptions unsubscribe(Collection<String> ids) {
        LinkedHashSet<String> next = new LinkedHashSet<>(marketIds);
        next.removeAll(Set.copyOf(ids));
        return new Subscriptions(next, limit);
    }

    public boolean contains(String marketId) {
        return marketIds.contains(marketId);
    }
}
