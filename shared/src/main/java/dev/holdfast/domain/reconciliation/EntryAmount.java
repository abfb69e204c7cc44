package dev.holdfast.domain.reconciliation;

import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.wallet.LedgerEntry;

import java.math.BigDecimal;
import java.util.Objects;

/** What reconciliation needs of a ledger entry: its position, fund, signed amount and held change. */
public record EntryAmount(long seq, Fund fund, BigDecimal amount, BigDecimal heldChange) {
    public EntryAmount {
        Objects.requireNonNull(fund);
        Objects.requireNonNull(amount);
        heldChange = heldChange == null ? BigDecimal.ZERO : heldChange;
    }

    public static EntryAmount of(LedgerEntry e) {
        return new EntryAmount(e.seq(), e.fund(), e.amount().value(), e.heldChange().value());
    }
}
