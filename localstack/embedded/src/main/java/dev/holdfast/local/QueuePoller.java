package dev.holdfast.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.holdfast.resources.Triggers;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Lambda's SQS event source mapping, locally: long-polls a queue, invokes the consumer with the
 * real {@link SQSEvent}, deletes what succeeded and leaves the rest to come back. Partial batch
 * responses are honoured (only the reported failures return; an exception fails the batch), and
 * the queue's own redrive policy moves a message to its DLQ after {@code maxReceiveCount}
 * receives.
 *
 * <p><b>AWS's timing.</b> As with Lambda's event source mapping, a message that is not deleted —
 * reported failed, its batch thrown, or its invocation crashed (an {@link Error} out of the
 * handler stands for a container that died or timed out) — is left alone: it comes back when the
 * queue's visibility timeout runs out, the timeout the queue was created with (the shared
 * definition's, scaled by the environment's one {@link LocalOptions#timeScale}). Nothing here
 * shortens it.
 */
final class QueuePoller implements Runnable {
    private final Triggers.QueueTrigger trigger;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final SqsClient sqs;
    private final FunctionHost host;
    private volatile boolean running = true;

    QueuePoller(Triggers.QueueTrigger trigger, String queueUrl, String queueArn, String region, SqsClient sqs,
                FunctionHost host) {
        this.trigger = trigger;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.region = region;
        this.sqs = sqs;
        this.host = host;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                pollOnce(1);
            } catch (RuntimeException e) {
                if (running) {
                    System.err.println("{\"level\":\"WARN\",\"logger\":\"local-sqs\",\"message\":\"poll failed: "
                            + e.getClass().getSimpleName() + "\"}");
                    sleep(500);
                }
            }
        }
    }

    /** Receives one batch (waiting up to {@code waitSeconds}) and delivers it; returns its size. */
    int pollOnce(int waitSeconds) {
        ReceiveMessageResponse received = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                .maxNumberOfMessages(Math.min(10, trigger.batchSize()))
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All"));
        List<Message> messages = received.messages();
        if (messages.isEmpty()) {
            return 0;
        }
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            records.add(toRecord(m));
        }
        event.setRecords(records);

        Set<String> failed = new HashSet<>();
        try {
            SQSBatchResponse response = host.invoke(trigger.function(), event, UUID.randomUUID().toString());
            if (response != null && response.getBatchItemFailures() != null) {
                for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) {
                    failed.add(f.getItemIdentifier());
                }
            }
        } catch (RuntimeException e) {
            messages.forEach(m -> failed.add(m.messageId()));
        } catch (Error crashed) {
            // the invocation died (a simulated crash or timeout): nothing is deleted, the batch
            // comes back after the visibility timeout, as in AWS
            System.err.println("{\"level\":\"WARN\",\"logger\":\"local-sqs\",\"function\":\"" + trigger.function().id()
                    + "\",\"message\":\"invocation crashed: " + crashed.getClass().getSimpleName() + "\"}");
            return messages.size();
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) { // a failed one comes back after the visibility timeout
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        }
        return messages.size();
    }

    private SQSEvent.SQSMessage toRecord(Message m) {
        SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
        r.setMessageId(m.messageId());
        r.setReceiptHandle(m.receiptHandle());
        r.setBody(m.body());
        r.setMd5OfBody(m.md5OfBody());
        r.setEventSource("aws:sqs");
        r.setEventSourceArn(queueArn);
        r.setAwsRegion(region);
        Map<String, String> attributes = new HashMap<>();
        m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
        r.setAttributes(attributes);
        Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
        m.messageAttributes().forEach((k, v) -> {
            SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
            a.setDataType(v.dataType());
            a.setStringValue(v.stringValue());
            messageAttributes.put(k, a);
        });
        r.setMessageAttributes(messageAttributes);
        return r;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
