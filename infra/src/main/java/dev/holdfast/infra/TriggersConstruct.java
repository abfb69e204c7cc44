package dev.holdfast.infra;

import dev.holdfast.resources.Triggers.QueueTrigger;
import dev.holdfast.resources.Triggers.ScheduleTrigger;
import dev.holdfast.resources.Triggers.StreamTrigger;
import dev.holdfast.resources.FunctionDef;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSourceProps;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What invokes the non-HTTP functions ({@link dev.holdfast.resources.Triggers}), always through
 * their {@value FunctionsConstruct#ALIAS_NAME} alias:
 *
 * <ul>
 *   <li>queue: an SQS event source with partial batch responses, so one bad message is retried
 *       (and eventually dead-lettered) alone instead of failing its whole batch;</li>
 *   <li>stream: a DynamoDB stream event source from the oldest record, with partial batch
 *       responses, bisection on error and the trigger's retry limit, so a poisoned record cannot
 *       block its shard forever; a batch given up on is described on an SQS on-failure queue
 *       (encrypted, kept 14 days) for replay;</li>
 *   <li>schedule: an EventBridge rule every minute (its finest rate); the function loops
 *       {@code ticks} times, {@code everySeconds} apart, inside the invocation. A schedule of whole
 *       minutes ({@code everySeconds} a multiple of 60) fires every {@code everySeconds / 60}
 *       minutes with one tick.</li>
 * </ul>
 *
 * <p>Definitions that cannot work in AWS fail the synth rather than the deploy or, worse, production.
 */
public final class TriggersConstruct extends Construct {
    /** EventBridge's finest schedule, in seconds. */
    static final int SCHEDULE_PERIOD_SECONDS = 60;
    /** Lambda's largest batch from a FIFO queue. */
    static final int MAX_FIFO_BATCH = 10;
    /** AWS's advice: a queue's visibility timeout at least six times its consumer's timeout. */
    static final int VISIBILITY_TO_TIMEOUT_RATIO = 6;

    /** Per consumer, where the messages and records it gives up on end: DLQs and on-failure queues. */
    private final Map<FunctionDef, List<IQueue>> deadLetters = new LinkedHashMap<>();

    public TriggersConstruct(Construct scope, String id, DataStack data, FunctionsConstruct functions,
                             List<QueueTrigger> queues, List<StreamTrigger> streams,
                             List<ScheduleTrigger> schedules) {
        super(scope, id);
        for (QueueTrigger t : queues) {
            check(t);
            functions.alias(t.function()).addEventSource(new SqsEventSource(data.queue(t.queue()),
                    SqsEventSourceProps.builder()
                            .batchSize(t.batchSize())
                            .reportBatchItemFailures(true)
                            .build()));
            deadLetters.computeIfAbsent(t.function(), f -> new ArrayList<>())
                    .add(data.queue(t.queue()).getDeadLetterQueue().getQueue());
        }
        for (StreamTrigger t : streams) {
            check(t);
            // a batch that still fails after its retries is skipped; its description (shard,
            // sequence numbers) is kept here for replay instead of being lost
            Queue failures = Queue.Builder.create(this, "stream-failures-" + t.table().id() + "-" + t.function().id())
                    .encryption(QueueEncryption.SQS_MANAGED)
                    .enforceSsl(true)
                    .retentionPeriod(Duration.days(14))
                    .removalPolicy(RemovalPolicy.RETAIN)
                    .build();
            io.github.cdklabs.cdknag.NagSuppressions.addResourceSuppressions(failures, List.of(
                    io.github.cdklabs.cdknag.NagPackSuppression.builder()
                            .id("AwsSolutions-SQS3")
                            .reason("This queue is itself the stream's on-failure destination (a dead-letter queue for"
                                    + " batches); a DLQ behind it would only hide the records it keeps for replay")
                            .build()));
            deadLetters.computeIfAbsent(t.function(), f -> new ArrayList<>()).add(failures);
            functions.alias(t.function()).addEventSource(new DynamoEventSource(data.table(t.table()),
                    DynamoEventSourceProps.builder()
                            .startingPosition(StartingPosition.TRIM_HORIZON)
                            .batchSize(t.batchSize())
                            .retryAttempts(t.maxRetries())
                            .bisectBatchOnError(true)
                            .reportBatchItemFailures(true)
                            .onFailure(new SqsDlq(failures))
                            .build()));
            io.github.cdklabs.cdknag.NagSuppressions.addResourceSuppressions(
                    functions.function(t.function()).getRole(), List.of(
                            io.github.cdklabs.cdknag.NagPackSuppression.builder()
                                    .id("AwsSolutions-IAM5")
                                    .reason("dynamodb:ListStreams, which Lambda's stream poller needs, has no resource-level"
                                            + " permission (IAM accepts only *); it lists stream ARNs and reads no data."
                                            + " The stream's records are granted on this stream's ARN only")
                                    .appliesTo(List.of("Resource::*"))
                                    .build()), true);
        }
        for (ScheduleTrigger t : schedules) {
            check(t);
            Rule.Builder.create(this, "schedule-" + t.function().id() + "-every-" + t.everySeconds() + "s")
                    .schedule(Schedule.rate(Duration.seconds(ruleSeconds(t))))
                    .targets(List.of(LambdaFunction.Builder.create(functions.alias(t.function()))
                            .event(RuleTargetInput.fromObject(scheduleInput(t)))
                            .build()))
                    .build();
        }
    }

    /** The dead-letter and on-failure queues fed by {@code def}'s failures (empty when it has none). */
    public List<IQueue> deadLetters(FunctionDef def) {
        return List.copyOf(deadLetters.getOrDefault(def, List.of()));
    }

    /** Every dead-letter and on-failure queue fed by a consumer here. */
    public List<IQueue> deadLetters() {
        return deadLetters.values().stream().flatMap(List::stream).distinct().toList();
    }

    /** How often the rule fires: every minute, or every {@code everySeconds} when that is whole minutes. */
    static int ruleSeconds(ScheduleTrigger t) {
        return Math.max(SCHEDULE_PERIOD_SECONDS, t.everySeconds());
    }

    /** The event a scheduled function receives: {@code {"everySeconds": N, "ticks": max(1, 60/N)}}. */
    static Map<String, Object> scheduleInput(ScheduleTrigger t) {
        return Map.of("everySeconds", t.everySeconds(), "ticks", Math.max(1, SCHEDULE_PERIOD_SECONDS / t.everySeconds()));
    }

    static void check(QueueTrigger t) {
        if (t.batchSize() < 1 || (t.queue().fifo() && t.batchSize() > MAX_FIFO_BATCH)) {
            throw new IllegalArgumentException("queue trigger " + t.queue().id() + " -> " + t.function().id()
                    + ": batch size " + t.batchSize() + " outside 1.." + MAX_FIFO_BATCH + " for a FIFO queue");
        }
        int needed = VISIBILITY_TO_TIMEOUT_RATIO * t.function().timeoutSeconds();
        if (t.queue().visibilityTimeoutSeconds() < needed) {
            throw new IllegalArgumentException("queue " + t.queue().id() + ": visibility timeout "
                    + t.queue().visibilityTimeoutSeconds() + " s is under " + VISIBILITY_TO_TIMEOUT_RATIO
                    + " x the " + t.function().timeoutSeconds() + " s timeout of its consumer " + t.function().id());
        }
    }

    static void check(StreamTrigger t) {
        if (t.table().stream().isEmpty()) {
            throw new IllegalArgumentException("stream trigger on table " + t.table().id() + ", which has no stream");
        }
        if (t.batchSize() < 1 || t.maxRetries() < 0) {
            throw new IllegalArgumentException("stream trigger on table " + t.table().id()
                    + ": batch size must be positive and retries non-negative");
        }
    }

    static void check(ScheduleTrigger t) {
        int n = t.everySeconds();
        if (n >= SCHEDULE_PERIOD_SECONDS) {
            if (n % SCHEDULE_PERIOD_SECONDS != 0) {
                throw new IllegalArgumentException("schedule of " + t.function().id() + ": everySeconds " + n
                        + " must be whole minutes");
            }
            return;
        }
        if (n < 1 || SCHEDULE_PERIOD_SECONDS % n != 0) {
            throw new IllegalArgumentException("schedule of " + t.function().id() + ": everySeconds " + n
                    + " must divide " + SCHEDULE_PERIOD_SECONDS);
        }
        int lastTickStartsAt = SCHEDULE_PERIOD_SECONDS - n;
        if (t.function().timeoutSeconds() <= lastTickStartsAt) {
            throw new IllegalArgumentException("schedule of " + t.function().id() + ": its "
                    + t.function().timeoutSeconds() + " s timeout ends before its last tick at " + lastTickStartsAt + " s");
        }
    }
}
