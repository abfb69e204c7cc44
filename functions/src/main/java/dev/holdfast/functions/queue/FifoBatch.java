package dev.holdfast.functions.queue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.functions.runtime.JsonLog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import com.amazonaws.services.lambda.runtime.Context;

/**
 * One SQS FIFO batch with a partial batch response: each message is handled in order; one that
 * throws fails alone among other groups, but every later message of <i>its</i> group fails too, so
 * a group's order is never broken (they all come back, in order, after the visibility timeout).
 */
public final class FifoBatch {
    private FifoBatch() {}

    /**
     * @param handler handles one message; throwing a {@link RuntimeException} fails it (logged as
     *                {@code WARN} with {@code failureMessage})
     */
    public static SQSBatchResponse process(SQSEvent event, JsonLog log, String failureMessage,
                                           Consumer<SQSEvent.SQSMessage> handler) {
        return process(event, log, failureMessage, null, 0, handler);
    }

    /**
     * As {@link #process(SQSEvent, JsonLog, String, Consumer)}, but a message is started only while
     * the invocation has at least {@code reserveMillis} left ({@code context}'s remaining time): the
     * rest fail unstarted and come back after the visibility timeout, so an invocation ends inside its
     * timeout however slow a provider is, and the queue's visibility timeout can stay short.
     */
    public static SQSBatchResponse process(SQSEvent event, JsonLog log, String failureMessage,
                                           Context context, long reserveMillis,
                                           Consumer<SQSEvent.SQSMessage> handler) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Set<String> failedGroups = new HashSet<>();
        boolean outOfTime = false;
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            String group = m.getAttributes() == null ? null : m.getAttributes().get("MessageGroupId");
            if (!outOfTime && context != null && reserveMillis > 0 && context.getRemainingTimeInMillis() < reserveMillis) {
                outOfTime = true;
                ObjectNode line = log.line("INFO", context.getAwsRequestId(), "out of time for the rest of the batch; it comes back");
                line.put("remainingMillis", context.getRemainingTimeInMillis());
                log.write(line);
            }
            if (outOfTime || (group != null && failedGroups.contains(group))) {
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                if (group != null) {
                    failedGroups.add(group);
                }
                continue;
            }
            try {
                handler.accept(m);
            } catch (RuntimeException e) {
                ObjectNode line = log.line("WARN", m.getMessageId(), failureMessage);
                line.put("reason", String.valueOf(e.getMessage()));
                line.put("exception", e.getClass().getSimpleName());
                log.write(line);
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                if (group != null) {
                    failedGroups.add(group);
                }
            }
        }
        return new SQSBatchResponse(failures);
    }
}
