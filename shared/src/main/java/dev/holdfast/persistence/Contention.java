package dev.holdfast.persistence;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.Map;
import java.util.Optional;

/**
 * What a cancelled transaction says about why. Every store and handler that retries a conditional
 * write under contention reads reasons through here (and waits through {@link dev.holdfast.retry.Retry}).
 */
public final class Contention {
    private Contention() {}

    public static final String CONDITION_FAILED = "ConditionalCheckFailed";
    public static final String TRANSACTION_CONFLICT = "TransactionConflict";

    /** Whether action {@code index} of the cancelled transaction failed its condition. */
    public static boolean conditionFailed(TransactionCanceledException e, int index) {
        return CONDITION_FAILED.equals(reason(e, index));
    }

    /**
     * The item action {@code index} found when its condition failed, as DynamoDB returns it with the
     * cancellation to an action that asked for {@code ALL_OLD}; empty if that condition did not fail
     * or no item came back.
     */
    public static Optional<Map<String, AttributeValue>> oldItem(TransactionCanceledException e, int index) {
        if (!conditionFailed(e, index)) {
            return Optional.empty();
        }
        CancellationReason r = e.cancellationReasons().get(index);
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty();
    }

    /** Whether any action failed its condition. */
    public static boolean anyConditionFailed(TransactionCanceledException e) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream().anyMatch(r -> CONDITION_FAILED.equals(r.code()));
    }

    /** Whether any action collided with a concurrent transaction on the same item. */
    public static boolean conflicted(TransactionCanceledException e) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream().anyMatch(r -> TRANSACTION_CONFLICT.equals(r.code()));
    }

    /** The reason code DynamoDB gives a transaction action it throttled. */
    public static final String THROTTLING_ERROR = "ThrottlingError";

    /**
     * Whether {@code e} (or a cause of it) is DynamoDB refusing a call for capacity — throttling
     * that outlasted the SDK's retries, or a transaction cancelled because an action was
     * throttled. Such a call committed nothing: the caller may answer 503 and the client retry.
     */
    public static boolean throttled(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransactionCanceledException tc && tc.hasCancellationReasons()
                    && tc.cancellationReasons().stream().anyMatch(r -> THROTTLING_ERROR.equals(r.code()))) {
                return true;
            }
            if (t instanceof DynamoDbException d && !(t instanceof TransactionCanceledException) && d.isThrottlingException()) {
                return true;
            }
        }
        return false;
    }

    /** The reason code of action {@code index}, or null. */
    public static String reason(TransactionCanceledException e, int index) {
        if (!e.hasCancellationReasons() || index < 0 || index >= e.cancellationReasons().size()) {
            return null;
        }
        return e.cancellationReasons().get(index).code();
    }
}
