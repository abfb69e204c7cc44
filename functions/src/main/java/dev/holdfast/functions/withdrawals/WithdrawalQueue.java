package dev.holdfast.functions.withdrawals;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.wallet.LedgerIds;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalIds;
import dev.holdfast.resources.Queues;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.Optional;

/**
 * The withdrawals FIFO queue: one message {@code {"withdrawalId"}} per payout to make. Group = the
 * account (a hash of its id, so any {@code sub} makes a valid group id): one account's withdrawals
 * are paid in order, one at a time. The message only says "look at this withdrawal"; everything
 * else is read from the table, so a duplicate, late or re-driven message is harmless.
 */
public final class WithdrawalQueue {
    private final SqsClient sqs;
    private final ResourceNames names;

    public WithdrawalQueue(Deployment deployment) {
        this.sqs = deployment.clients().sqs();
        this.names = deployment.names();
    }

    /** The message group of an account's withdrawals. */
    public static String group(String accountId) {
        return "a-" + LedgerIds.fingerprint(accountId).substring(0, 40);
    }

    /** The body of the message for {@code withdrawalId}. */
    public static String body(String withdrawalId) {
        ObjectNode n = Json.object();
        n.put("withdrawalId", withdrawalId);
        return Json.write(n);
    }

    /** The withdrawal id a message names, if the body is well formed. */
    public static Optional<String> withdrawalId(String body) {
        try {
            JsonNode n = Json.parseTrusted(body);
            String id = n.path("withdrawalId").asText(null);
            return WithdrawalIds.wellFormed(id) ? Optional.of(id) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Enqueues {@code w}'s payout. {@code deduplicationId} is the withdrawal id for the first send
     * and its replays (SQS drops copies for 5 minutes), and a fresh one for re-drives, which must
     * get through even when an earlier copy was dead-lettered.
     */
    public void send(Withdrawal w, String deduplicationId) {
        String url = names.queueUrl(Queues.WITHDRAWALS); // at send time: a failure here is a failed send, never a failed start
        sqs.sendMessage(b -> b.queueUrl(url)
                .messageBody(body(w.withdrawalId()))
                .messageGroupId(group(w.accountId()))
                .messageDeduplicationId(deduplicationId));
    }
}
