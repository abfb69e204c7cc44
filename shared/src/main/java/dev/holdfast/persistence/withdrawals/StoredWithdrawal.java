package dev.holdfast.persistence.withdrawals;

import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.persistence.KeyedCommit;

import java.util.Objects;

/**
 * One withdrawal as stored: the withdrawal and the answer its idempotency key replays (the
 * withdrawal item is its key's idempotency record).
 *
 * @param replyStatus the HTTP status of the first answer
 * @param replyBody   the JSON of the first answer
 */
public record StoredWithdrawal(Withdrawal withdrawal, int replyStatus, String replyBody) {
    public StoredWithdrawal {
        Objects.requireNonNull(withdrawal);
    }

    /** The key's idempotency record: the fingerprint of its first request and the answer it got. */
    public KeyedCommit.StoredResponse reply() {
        return new KeyedCommit.StoredResponse(withdrawal.fingerprint(), replyStatus, replyBody);
    }
}
