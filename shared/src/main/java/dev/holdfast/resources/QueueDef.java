package dev.holdfast.resources;

/**
 * One SQS queue with its dead-letter queue, as both the CDK app and the local environment create
 * it. Holdfast's queues are all FIFO: ordering per message group is part of the contract.
 *
 * @param id                       short name; the physical name is {@code prefix + id + ".fifo"}
 * @param visibilityTimeoutSeconds visibility timeout (at least 6x the consumer's timeout in AWS)
 * @param maxReceiveCount          receives before a message is redriven to the DLQ
 * @param contentBasedDeduplication whether SQS derives the dedup id from the body
 */
public record QueueDef(String id, int visibilityTimeoutSeconds, int maxReceiveCount,
                       boolean contentBasedDeduplication) {

    public boolean fifo() {
        return true;
    }

    /** Queue name given a stage prefix such as {@code holdfast-}. */
    public String queueName(String prefix) {
        return prefix + id + ".fifo";
    }

    /** Dead-letter queue name given a stage prefix. */
    public String dlqName(String prefix) {
        return prefix + id + "-dlq.fifo";
    }

    /** Environment variable through which a deployed function learns this queue's URL. */
    public String envVar() {
        return "HOLDFAST_QUEUE_" + id.toUpperCase().replace('-', '_') + "_URL";
    }
}
