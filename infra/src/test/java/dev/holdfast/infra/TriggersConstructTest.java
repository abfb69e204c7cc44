package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import dev.holdfast.resources.Triggers.QueueTrigger;
import dev.holdfast.resources.Triggers.ScheduleTrigger;
import dev.holdfast.resources.Triggers.StreamTrigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static dev.holdfast.infra.TemplateLookup.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trigger wiring. {@link Triggers}' lists are empty today, so this synthesizes made-up
 * consumers against the real tables and queues (one synth for the class), and checks the
 * definition rules without synthesizing at all.
 */
class TriggersConstructTest {
    private static final FunctionDef QUEUE_CONSUMER = function("feed-consumer", 5);
    private static final FunctionDef STREAM_CONSUMER = function("orders-consumer", 30);
    private static final FunctionDef TICKER = function("ticker", 90);
    private static final QueueTrigger QUEUE = new QueueTrigger(Queues.FEED, QUEUE_CONSUMER, 10);
    private static final StreamTrigger STREAM = new StreamTrigger(Tables.ORDERS, STREAM_CONSUMER, 100, 3);
    private static final ScheduleTrigger SCHEDULE = new ScheduleTrigger(TICKER, 5);

    private static Template template;
    private static TemplateLookup lookup;

    @BeforeAll
    static void synth() {
        App app = new App();
        DataStack data = new DataStack(app, "Data", StackProps.builder().build(), "test");
        Stack consumers = new Stack(app, "Consumers");
        FunctionsConstruct functions = new FunctionsConstruct(consumers, "Functions", data, PlaceholderCode.create(),
                List.of(QUEUE_CONSUMER, STREAM_CONSUMER, TICKER));
        new TriggersConstruct(consumers, "Triggers", data, functions,
                List.of(QUEUE), List.of(STREAM), List.of(SCHEDULE));
        template = Template.fromStack(consumers);
        lookup = new TemplateLookup(template);
    }

    @Test
    void queueTriggerReportsBatchItemFailuresToTheAlias() {
        Map<String, Object> props = onlyMappingTo(QUEUE_CONSUMER);
        assertEquals(null, props.get("StartingPosition"));
        assertEquals(QUEUE.batchSize(), props.get("BatchSize"));
        assertEquals(List.of("ReportBatchItemFailures"), props.get("FunctionResponseTypes"));
        assertTrue(String.valueOf(props.get("EventSourceArn")).contains(Queues.FEED.id()), "the feed queue");
    }

    @Test
    void streamTriggerBisectsRetriesAndReportsBatchItemFailures() {
        Map<String, Object> props = onlyMappingTo(STREAM_CONSUMER);
        assertEquals("TRIM_HORIZON", props.get("StartingPosition"));
        assertEquals(STREAM.batchSize(), props.get("BatchSize"));
        assertEquals(STREAM.maxRetries(), props.get("MaximumRetryAttempts"));
        assertEquals(true, props.get("BisectBatchOnFunctionError"));
        assertEquals(List.of("ReportBatchItemFailures"), props.get("FunctionResponseTypes"));
        assertTrue(String.valueOf(props.get("EventSourceArn")).contains("StreamArn"), "the orders stream");
        assertTrue(String.valueOf(props.get("DestinationConfig")).contains("OnFailure"), "batches given up on are kept: " + props);
        template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of(
                "SqsManagedSseEnabled", true, "MessageRetentionPeriod", 14 * 24 * 3600)));
    }

    @Test
    void scheduleFiresEveryMinuteWithItsTicks() {
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(1 minute)",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", ref(aliasOf(TICKER)),
                        "Input", Match.serializedJson(Map.of("everySeconds", 5, "ticks", 12)))))))); // 60 / 5
    }

    @Test
    void unworkableDefinitionsAreRefused() {
        // visibility 60 s < 6 x 30 s
        assertThrows(IllegalArgumentException.class,
                () -> TriggersConstruct.check(new QueueTrigger(Queues.FEED, function("slow", 30), 10)));
        // FIFO batches stop at 10
        assertThrows(IllegalArgumentException.class,
                () -> TriggersConstruct.check(new QueueTrigger(Queues.FEED, QUEUE_CONSUMER, 11)));
        // the audit table has no stream
        assertThrows(IllegalArgumentException.class,
                () -> TriggersConstruct.check(new StreamTrigger(Tables.AUDIT, STREAM_CONSUMER, 100, 3)));
        // 7 does not divide a minute
        assertThrows(IllegalArgumentException.class,
                () -> TriggersConstruct.check(new ScheduleTrigger(TICKER, 7)));
        // 90 s is neither a divisor of a minute nor whole minutes
        assertThrows(IllegalArgumentException.class,
                () -> TriggersConstruct.check(new ScheduleTrigger(TICKER, 90)));
        // a 30 s timeout cannot run ticks until second 55
        assertThrows(IllegalArgumentException.class,
                () -> TriggersConstruct.check(new ScheduleTrigger(function("short", 30), 5)));
    }

    @Test
    void aScheduleOfWholeMinutesFiresThatOftenWithOneTick() {
        ScheduleTrigger quarter = new ScheduleTrigger(function("quarterly", 300), 900);
        TriggersConstruct.check(quarter);
        assertEquals(900, TriggersConstruct.ruleSeconds(quarter));
        assertEquals(Map.of("everySeconds", 900, "ticks", 1), TriggersConstruct.scheduleInput(quarter));
        assertEquals(60, TriggersConstruct.ruleSeconds(SCHEDULE));
    }

    private static Map<String, Object> onlyMappingTo(FunctionDef def) {
        List<Map<String, Object>> mappings = lookup.eventSourceMappingsTo(aliasOf(def));
        assertEquals(1, mappings.size(), "event source mappings to the alias of " + def.id());
        return mappings.get(0);
    }

    private static String aliasOf(FunctionDef def) {
        String fn = lookup.logicalId("AWS::Lambda::Function", Map.of("Handler", def.handler()));
        return lookup.logicalId("AWS::Lambda::Alias", Map.of("FunctionName", ref(fn)));
    }

    private static FunctionDef function(String id, int timeoutSeconds) {
        return new FunctionDef(id, "example." + id + ".Handler", 512, timeoutSeconds, List.of(), List.of(), List.of());
    }
}
