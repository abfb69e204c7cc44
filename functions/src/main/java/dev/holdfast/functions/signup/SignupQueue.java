package dev.holdfast.functions.signup;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.signup.SignupIds;
import dev.holdfast.resources.Queues;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.Optional;

/**
 * The signups FIFO queue: one message {@code {"signupId"}} per signup to verify. Group = the signup
 * (signups don't wait for each other; the verifier's capacity is paced by admission, not by the
 * queue). The message only says "look at this signup"; everything else is read from the table, so a
 * duplicate, late or re-driven message is harmless.
 */
public final class SignupQueue {
    private final SqsClient sqs;
    private final ResourceNames names;

    public SignupQueue(Deployment deployment) {
        this.sqs = deployment.clients().sqs();
        this.names = deployment.names();
    }

    public static String body(String signupId) {
        ObjectNode n = Json.object();
        n.put("signupId", signupId);
        return Json.write(n);
    }

    /** The signup id a message names, if the body is well formed. */
    public static Optional<String> signupId(String body) {
        try {
            JsonNode n = Json.parseTrusted(body);
            String id = n.path("signupId").asText(null);
            return SignupIds.wellFormed(id) ? Optional.of(id) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Enqueues {@code signupId}. {@code deduplicationId} is the signup id for the first send and its
     * replays (SQS drops copies for 5 minutes), a fresh one for re-drives.
     */
    public void send(String signupId, String deduplicationId) {
        String url = names.queueUrl(Queues.SIGNUPS);
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(body(signupId))
                .messageGroupId(signupId).messageDeduplicationId(deduplicationId));
    }
}
