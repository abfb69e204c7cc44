package dev.holdfast.domain.wallet;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One balance change of one account and the ledger entries that explain it: what the store commits
 * atomically (the account's new balances, conditional on {@code before.revision()}, plus one
 * append-only put per entry).
 *
 * @param before  the account as read (its {@code revision} is the commit's condition)
 * @param after   the account after the change ({@code revision = before.revision() + 1})
 * @param entries the new entries, sequence numbers {@code before.ledgerSeq()+1 … after.ledgerSeq()}
 */
public record Posting(Account before, Account after, List<LedgerEntry> entries) {

    public Posting {
        Objects.requireNonNull(before);
        Objects.requireNonNull(after);
        entries = List.copyOf(entries);
        if (!before.accountId().equals(after.accountId())) {
            throw new IllegalArgumentException("a posting changes one account");
        }
        if (after.revision() != before.revision() + 1) {
            throw new IllegalArgumentException("a posting moves the revision by exactly one");
        }
        if (after.ledgerSeq() != before.ledgerSeq() + entries.size()) {
            throw new IllegalArgumentException("a posting's entries continue the account's sequence");
        }
        long seq = before.ledgerSeq();
        for (LedgerEntry e : entries) {
            if (e.seq() != ++seq || !e.accountId().equals(before.accountId())) {
                throw new IllegalArgumentException("entries must continue the account's sequence without gaps");
            }
        }
    }

    public String accountId() {
        return before.accountId();
    }

    /**
     * This change followed by {@code next} (applied to {@link #after()}), as ONE posting: one
     * conditional write of the account, e.g. a payout and the release of the order's exposure.
     */
    public Posting andThen(Function<Account, Posting> next) {
        // the next step starts from our result as if it were stored at our before-revision, so that
        // the combined posting still moves the revision by exactly one
        Account start = new Account(after.accountId(), after.cash(), after.bonus(), after.heldForWithdrawal(),
                after.openExposure(), after.ledgerSeq(), before.revision());
        Posting second = next.apply(start);
        if (!second.before().equals(start)) {
            throw new IllegalArgumentException("the next step must start from this posting's result");
        }
        List<LedgerEntry> all = new ArrayList<>(entries);
        all.addAll(second.entries());
        return new Posting(before, second.after(), all);
    }
}
