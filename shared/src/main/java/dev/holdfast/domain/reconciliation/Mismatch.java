package dev.holdfast.domain.reconciliation;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One stored value that differs from its rebuild.
 *
 * @param item    the stored item, by its key: {@code ACCOUNT#<id>} or {@code <scope>#<scopeKey>#B<i>}
 * @param stored  what the view holds (0 when the view is missing)
 * @param rebuilt what the ledger or the open orders say it must hold
 */
public record Mismatch(MismatchKind kind, String item, BigDecimal stored, BigDecimal rebuilt) {
    public Mismatch {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(item);
        Objects.requireNonNull(stored);
        Objects.requireNonNull(rebuilt);
    }
}
