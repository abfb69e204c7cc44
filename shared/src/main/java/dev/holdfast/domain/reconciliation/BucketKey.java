package dev.holdfast.domain.reconciliation;

import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.risk.LimitScope;

import java.util.Objects;

/** One exposure bucket: bucket {@code bucket} of the limit on {@code scope}/{@code scopeKey}. */
public record BucketKey(LimitScope scope, String scopeKey, int bucket) implements Comparable<BucketKey> {
    public BucketKey {
        Objects.requireNonNull(scope);
        Objects.requireNonNull(scopeKey);
    }

    public static BucketKey of(ExposureClaim c) {
        return new BucketKey(c.scope(), c.scopeKey(), c.bucket());
    }

    /** The stored item's key ({@code pk} of the exposure table). */
    public String item() {
        return scope.name() + "#" + scopeKey + "#B" + bucket;
    }

    @Override
    public int compareTo(BucketKey o) {
        return item().compareTo(o.item());
    }
}
