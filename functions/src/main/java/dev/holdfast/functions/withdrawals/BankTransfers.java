package dev.holdfast.functions.withdrawals;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.withdrawal.Destination;

import java.util.Objects;

/**
 * The bank adapter: an external system that moves money out. Holdfast always names a transfer by
 * the withdrawal's id, on every attempt, so the bank can tell a retry from a new transfer and
 * {@link #status} can be asked about an attempt whose answer never came back.
 */
public interface BankTransfers {

    /** What the bank says about a transfer. */
    enum State {
        /** The bank booked the transfer: the money has left. */
        CONFIRMED,
        /** The bank refused it ({@link Answer#reason()} says why); no money moved. */
        REFUSED,
        /** The bank has it but has not decided yet: ask again later, never send again. */
        PENDING_AT_BANK,
        /** The bank never received it (only from {@link #status}): sending it is safe. */
        UNKNOWN
    }

    /** One answer of the bank. */
    record Answer(State state, String reason) {
        public Answer {
            Objects.requireNonNull(state);
        }

        public static Answer of(State state) {
            return new Answer(state, null);
        }
    }

    /**
     * The call got no usable answer in time (timeout, hang, connection reset, a 5xx): the transfer
     * may or may not have reached the bank. Never send again before {@link #status} says UNKNOWN.
     */
    final class Unanswered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unanswered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Asks the bank to pay {@code amount} to {@code destination} under {@code transferId}.
     *
     * @return CONFIRMED, REFUSED or PENDING_AT_BANK
     * @throws Unanswered no answer came back in time
     */
    Answer send(String transferId, Amount amount, Destination destination);

    /**
     * What the bank knows about {@code transferId}, from its own book.
     *
     * @throws Unanswered no answer came back in time
     */
    Answer status(String transferId);
}
