package dev.holdfast.domain.wallet;

import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;

import java.time.Instant;
import java.util.Objects;

/**
 * One append-only ledger entry: a signed change of one fund of one account. Entries are never
 * rewritten or deleted; a correction is a new entry.
 *
 * @param entryId      unique, derived from (accountId, seq) by {@link LedgerIds}
 * @param seq          1, 2, 3… per account, without gaps
 * @param amount       signed: debits are negative
 * @param balanceAfter the balance of {@code fund} right after this entry (the running sum of that
 *                     fund's entry amounts)
 * @param orderId      the order it belongs to, or {@code null}
 * @param withdrawalId the withdrawal it belongs to, or {@code null}
 * @param heldChange   the signed change of the account's {@code heldForWithdrawal} (zero except for
 *                     withdrawal entries: HOLD {@code +x}, RELEASE and PAID {@code -x}), so that
 *                     the held amount, like every balance, is the sum of its entries
 */
public record LedgerEntry(String entryId, String accountId, long seq, EntryType type, Fund fund, Amount amount,
                          Amount balanceAfter, String orderId, String withdrawalId, Amount heldChange,
                          Instant createdAt) {

    public LedgerEntry {
        Objects.requireNonNull(entryId);
        Objects.requireNonNull(accountId);
        Objects.requireNonNull(type);
        Objects.requireNonNull(fund);
        Objects.requireNonNull(amount);
        Objects.requireNonNull(balanceAfter);
        Objects.requireNonNull(heldChange);
        Objects.requireNonNull(createdAt);
        if (seq < 1) {
            throw new IllegalArgumentException("ledger sequence numbers start at 1: " + seq);
        }
    }
}
