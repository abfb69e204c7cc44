package dev.holdfast.domain.settlement;

import java.util.Objects;
import java.util.Optional;

/**
 * A market's result as an admin declared it: one winning selection, or void.
 *
 * @param winningSelectionId the winner; empty when {@code voided}
 */
public record MarketResult(Optional<String> winningSelectionId, boolean voided) {

    public MarketResult {
        Objects.requireNonNull(winningSelectionId);
        if (voided == winningSelectionId.isPresent()) {
            throw new IllegalArgumentException("a result is either a winning selection or void");
        }
    }

    public static MarketResult winner(String selectionId) {
        return new MarketResult(Optional.of(selectionId), false);
    }

    public static MarketResult voidResult() {
        return new MarketResult(Optional.empty(), true);
    }

    /** The outcome of an order on {@code selectionId}. */
    public SettlementOutcome outcomeFor(String selectionId) {
        if (voided) {
            return SettlementOutcome.VOID;
        }
        return winningSelectionId.get().equals(selectionId) ? SettlementOutcome.WON : SettlementOutcome.LOST;
    }
}
