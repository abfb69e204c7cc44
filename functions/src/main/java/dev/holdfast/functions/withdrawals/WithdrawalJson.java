package dev.holdfast.functions.withdrawals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;

/** The contract's JSON for withdrawals. */
public final class WithdrawalJson {
    private WithdrawalJson() {}

    /** The {@code 202} answer to a new withdrawal (stored and replayed for its key). */
    public static ObjectNode accepted(Withdrawal w) {
        ObjectNode n = Json.object();
        n.put("withdrawalId", w.withdrawalId());
        n.put("status", WithdrawalStatus.PENDING.name());
        n.put("amount", w.amount().text());
        n.put("currency", Amount.CURRENCY);
        n.put("createdAt", Rfc3339.format(w.createdAt()));
        return n;
    }

    /** {@code GET /wallet/withdrawals/{id}}. */
    public static ObjectNode view(Withdrawal w) {
        ObjectNode n = Json.object();
        n.put("withdrawalId", w.withdrawalId());
        n.put("status", w.status().name());
        if (w.failureReason() != null) {
            n.put("failureReason", w.failureReason());
        }
        n.put("amount", w.amount().text());
        n.put("currency", Amount.CURRENCY);
        ObjectNode d = n.putObject("destination");
        d.put("bank", w.destination().bank());
        d.put("account", w.destination().account());
        n.put("createdAt", Rfc3339.format(w.createdAt()));
        n.put("finishedAt", w.finishedAt() == null ? null : Rfc3339.format(w.finishedAt()));
        return n;
    }
}
