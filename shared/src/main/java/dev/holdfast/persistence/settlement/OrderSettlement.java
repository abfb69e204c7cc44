package dev.holdfast.persistence.settlement;

import dev.holdfast.domain.order.ExposureClaim;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.wallet.Posting;
import dev.holdfast.persistence.Contention;
import dev.holdfast.persistence.PrimingWrites;
import dev.holdfast.persistence.exposure.ExposureStore;
import dev.holdfast.persistence.orders.OrderStore;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.resources.Tables;
import dev.holdfast.runtime.Deployment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The settlement of one order, in ONE transaction: the settlement record, put only if the order has
 * none (exactly once); a condition that trading is NORMAL (fail closed while halted); the account's
 * posting (conditional on its revision); and the release of each of the order's exposure claims.
 * Returns what happened by name; the caller decides whether to try again.
 */
public final class OrderSettlement {
    private static final int RECORD = 0;
    private static final int MODE = 1;
    private static final int WALLET = 2;

    /** What one settlement commit did. */
    public sealed interface Outcome permits Settled, AlreadySettled, Halted, AccountChanged, Collided {}

    /** Committed: this call settled the order. */
    public record Settled() implements Outcome {}

    /** The order already has its settlement record (an earlier delivery settled it): nothing committed. */
    public record AlreadySettled() implements Outcome {}

    /** Trading is not NORMAL: nothing committed. */
    public record Halted() implements Outcome {}

    /** The account moved on since it was read: here it is now; nothing committed. */
    public record AccountChanged(Account current) implements Outcome {}

    /** Collided with a concurrent transaction (or was throttled): read again and retry; nothing committed. */
    public record Collided() implements Outcome {}

    private final Deployment deployment;
    private final DynamoDbClient dynamo;
    private final OrderStore orders;
    private final StatusStore status;
    private final WalletStore wallet;
    private final ExposureStore exposure;

    public OrderSettlement(Deployment deployment, OrderStore orders, StatusStore status, WalletStore wallet,
                           ExposureStore exposure) {
        this.deployment = deployment;
        this.dynamo = deployment.clients().dynamo();
        this.orders = orders;
        this.status = status;
        this.wallet = wallet;
        this.exposure = exposure;
    }

    /**
     * Commits {@code settlement} with its {@code posting} and the release of {@code claims}.
     *
     * @throws IllegalStateException when DynamoDB cancels it for any other reason
     */
    public Outcome commit(Settlement settlement, Posting posting, List<ExposureClaim> claims) {
        List<TransactWriteItem> actions = actions(settlement, posting, claims);
        try {
            dynamo.transactWriteItems(b -> b.transactItems(actions));
            return new Settled();
        } catch (TransactionCanceledException e) {
            if (Contention.conditionFailed(e, RECORD)) {
                return new AlreadySettled();
            }
            if (Contention.conditionFailed(e, MODE)) {
                return new Halted();
            }
            Optional<Account> current = WalletStore.currentAccount(e, WALLET);
            if (current.isPresent()) {
                return new AccountChanged(current.get());
            }
            if (Contention.conflicted(e)) {
                return new Collided();
            }
            throw new IllegalStateException("order " + settlement.orderId() + " could not be settled: "
                    + e.cancellationReasons(), e);
        }
    }

    /** SnapStart priming: the same transaction, marshalled and sent behind a condition that cannot hold. */
    public void prime(Settlement settlement, Posting posting, List<ExposureClaim> claims) {
        PrimingWrites.cancelled(deployment, Tables.ORDERS, actions(settlement, posting, claims));
    }

    private List<TransactWriteItem> actions(Settlement s, Posting p, List<ExposureClaim> claims) {
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(orders.settlementPutAction(s));   // RECORD: exactly once
        actions.add(status.normalModeCheck());       // MODE: fail closed while halted
        actions.addAll(wallet.postingActions(p));    // WALLET
        for (ExposureClaim c : claims) {
            actions.add(exposure.releaseAction(c));
        }
        return actions;
    }
}
