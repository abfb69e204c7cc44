package dev.holdfast.local.testing;

import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.persistence.withdrawals.WithdrawalStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.money.Fund;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.LedgerEntry;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.bank.StandInBank;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Withdrawals from a test's point of view: the HTTP calls, and an independent auditor that checks
 * the invariants straight from the tables and the stand-in bank's own book.
 */
public final class Withdrawing {
    private final LocalHoldfast env;
    private final Api api;
    private final WalletStore wallet;
    private final WithdrawalStore withdrawals;

    public Withdrawing(LocalHoldfast env, Api api) {
        this.env = env;
        this.api = api;
        this.wallet = new WalletStore(env.deployment(), new AuditLog(env.deployment()));
        this.withdrawals = new WithdrawalStore(env.deployment(), wallet);
    }

    public static String body(String amount) {
        return "{\"amount\":\"" + amount + "\",\"destination\":{\"bank\":\"KB\",\"account\":\"123-456-789\"}}";
    }

    public Api.Reply withdraw(String token, String key, String amount) {
        return api.send("POST", "/wallet/withdrawals", token, body(amount), "Idempotency-Key", key);
    }

    public JsonNode status(String token, String id) {
        return api.get("/wallet/withdrawals/" + id, token).json();
    }

    /** Waits until the withdrawal is no longer PENDING (or the timeout) and returns its view. */
    public JsonNode awaitFinished(String token, String id, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        JsonNode v = status(token, id);
        while (v.path("status").asText().equals("PENDING") && System.nanoTime() < until) {
            sleep(100);
            v = status(token, id);
        }
        return v;
    }

    public Optional<Withdrawal> stored(String id) {
        return withdrawals.withdrawal(id);
    }

    public WithdrawalStore store() {
        return withdrawals;
    }

    /** Every ledger entry of an account, oldest first. */
    public List<LedgerEntry> ledger(String accountId) {
        List<LedgerEntry> all = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            WalletStore.LedgerPage page = wallet.ledger(accountId, cursor, 200);
            all.addAll(page.entries());
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        java.util.Collections.reverse(all);
        return all;
    }

    public Account account(String accountId) {
        return wallet.account(accountId);
    }

    /**
     * The auditor: for every given withdrawal, COMPLETED only if the bank booked it, no double
     * payment anywhere, and each account's stored cash, bonus and held amounts equal the sums of
     * its ledger entries. Returns a description of the first violation, or empty.
     */
    public Optional<String> violations(StandInBank bank, Collection<String> withdrawalIds) {
        if (bank.doublePayments() != 0) {
            return Optional.of("the bank booked " + bank.doublePayments() + " transfers twice");
        }
        java.util.Set<String> accounts = new java.util.TreeSet<>();
        for (String id : withdrawalIds) {
            Optional<Withdrawal> w = withdrawals.withdrawal(id);
            if (w.isEmpty()) {
                return Optional.of("withdrawal " + id + " is gone");
            }
            if (w.get().status() == WithdrawalStatus.COMPLETED && !bank.paid(id)) {
                return Optional.of("withdrawal " + id + " is COMPLETED but the bank never booked it");
            }
            if (w.get().status() == WithdrawalStatus.FAILED && bank.paid(id)) {
                return Optional.of("withdrawal " + id + " is FAILED but the bank paid it");
            }
            accounts.add(w.get().accountId());
        }
        for (String a : accounts) {
            Account acc = wallet.account(a);
            Amount cash = Amount.ZERO;
            Amount bonus = Amount.ZERO;
            Amount held = Amount.ZERO;
            for (LedgerEntry e : ledger(a)) {
                if (e.seq() > acc.ledgerSeq()) {
                    break; // committed after the account was read (an account and its entries commit together)
                }
                if (e.fund() == Fund.CASH) {
                    cash = cash.plus(e.amount());
                } else {
                    bonus = bonus.plus(e.amount());
                }
                held = held.plus(e.heldChange());
            }
            if (cash.compareTo(acc.cash()) != 0 || bonus.compareTo(acc.bonus()) != 0
                    || held.compareTo(acc.heldForWithdrawal()) != 0) {
                return Optional.of("account " + a + " drifted: stored " + acc + ", ledger cash " + cash + " bonus " + bonus
                        + " held " + held);
            }
        }
        return Optional.empty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
