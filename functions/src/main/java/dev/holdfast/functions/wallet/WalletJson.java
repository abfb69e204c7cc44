package dev.holdfast.functions.wallet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.LedgerEntry;

/** The contract's JSON for balances and ledger entries: money as decimal strings, signed where it moves. */
public final class WalletJson {
    private WalletJson() {}

    /** {@code GET /wallet}: {@code {"currency", "cash", "bonus", "heldForWithdrawal", "openExposure"}}. */
    public static ObjectNode balances(Account a) {
        ObjectNode n = Json.object();
        n.put("currency", Amount.CURRENCY);
        n.put("cash", a.cash().text());
        n.put("bonus", a.bonus().text());
        n.put("heldForWithdrawal", a.heldForWithdrawal().text());
        n.put("openExposure", a.openExposure().text());
        return n;
    }

    /**
     * One ledger entry; {@code orderId} and {@code withdrawalId} only when set. Withdrawal entries
     * also carry {@code heldChange}, the signed change of {@code heldForWithdrawal}.
     */
    public static ObjectNode entry(LedgerEntry e) {
        ObjectNode n = Json.object();
        n.put("entryId", e.entryId());
        n.put("type", e.type().name());
        n.put("fund", e.fund().name());
        n.put("amount", e.amount().text());
        n.put("balanceAfter", e.balanceAfter().text());
        if (e.orderId() != null) {
            n.put("orderId", e.orderId());
        }
        if (e.withdrawalId() != null) {
            n.put("withdrawalId", e.withdrawalId());
            // withdrawal entries also move the held amount: HOLD +x, RELEASE and PAID -x (PAID moves 0 cash,
            // the cash left the balance at the hold); heldForWithdrawal is the sum of these
            n.put("heldChange", e.heldChange().text());
        }
        n.put("createdAt", Rfc3339.format(e.createdAt()));
        return n;
    }

    /** The answer to an admin credit: the entry plus the account it went to. */
    public static ObjectNode creditedEntry(LedgerEntry e) {
        ObjectNode n = Json.object();
        n.put("entryId", e.entryId());
        n.put("accountId", e.accountId());
        n.setAll(entry(e));
        return n;
    }
}
