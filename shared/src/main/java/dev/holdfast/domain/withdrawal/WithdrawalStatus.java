package dev.holdfast.domain.withdrawal;

/**
 * Where a withdrawal stands. It only ever moves forward: {@code PENDING → COMPLETED} (the bank
 * confirmed the transfer) or {@code PENDING → FAILED} (the bank refused it; the hold was released).
 */
public enum WithdrawalStatus {
    PENDING, COMPLETED, FAILED
}
