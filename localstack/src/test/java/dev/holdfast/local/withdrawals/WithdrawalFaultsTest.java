package dev.holdfast.local.withdrawals;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.FaultPoint;
import dev.holdfast.local.testing.ZeroDrift;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.functions.withdrawals.BankTransfers;
import dev.holdfast.functions.withdrawals.HttpBankTransfers;
import dev.holdfast.functions.withdrawals.WithdrawalRedrive;
import dev.holdfast.functions.withdrawals.WithdrawalWorker;
import dev.holdfast.local.bank.StandInBank;
import dev.holdfast.local.faults.Throttling;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.local.testing.Withdrawing;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The "Done when" for withdrawals: the worker is made to fail at every step boundary (an
 * exception after each write, an {@link Error} standing in for a Lambda timeout), the bank hangs or
 * answers late, messages are redelivered and duplicated, DynamoDB throttles, a message is
 * dead-lettered; then the system carries on. An independent auditor ({@link Withdrawing#violations})
 * checks after EVERY step: the bank booked no transfer twice, nothing is COMPLETED that the bank did
 * not book, and every stored balance (cash, bonus, held) equals the sum of its ledger entries. At the
 * end every withdrawal is COMPLETED or FAILED.
 *
 * <p>This environment runs no withdrawal consumer of its own: the test drives the worker, either
 * directly or through the real FIFO queue (ElasticMQ) with real receive/delete/visibility calls.
 */
class WithdrawalFaultsTest {
    private static LocalHoldfast env;
    private static Trading trading;
    private static Withdrawing w;
    private static StandInBank bank;
    private static SqsClient sqs;
    private static String queueUrl;
    private static final Set<String> ALL = new HashSet<>();

    /** Fault points exercised, for the report. */
    private static final Set<String> COVERED = java.util.Collections.synchronizedSet(new java.util.TreeSet<>());

    @BeforeAll
    static void start() throws Exception {
        Triggers.TriggerSet triggers = new Triggers.TriggerSet(
                Triggers.QUEUES.stream().filter(t -> t.queue() != Queues.WITHDRAWALS).toList(),
                Triggers.STREAMS,
                Triggers.SCHEDULES.stream().filter(t -> t.function() != Functions.WITHDRAWAL_REDRIVE).toList());
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), triggers);
        trading = new Trading(env);
        w = new Withdrawing(env, trading.api());
        bank = env.bank();
        sqs = env.deployment().clients().sqs();
        queueUrl = env.queueUrls(Queues.WITHDRAWALS).url();
    }

    @AfterAll
    static void stop() {
        System.out.println("withdrawal fault points covered (" + COVERED.size() + "): " + COVERED);
        if (env != null) {
            try {
                ZeroDrift.assertZero(env, "WithdrawalFaultsTest");
            } finally {
                env.close();
            }
        }
    }

    @AfterEach
    void audit() {
        bank.mode(StandInBank.Mode.SUCCEED);
        assertClean();
    }

    // ------------------------------------------------------------------------------ helpers

    private static BankTransfers bankClient() {
        return new HttpBankTransfers(URI.create(bank.url()), Duration.ofMillis(500));
    }

    private static WithdrawalWorker worker(FaultPoint faults) {
        return worker(env.deployment(), faults, Duration.ZERO);
    }

    private static WithdrawalWorker worker(Deployment d, FaultPoint faults, Duration lease) {
        return new WithdrawalWorker(d, bankClient(), faults, lease);
    }

    /** Throws once, after the write named {@code step}: an exception, or an Error standing in for a Lambda timeout. */
    private static FaultPoint once(String step, String kind) {
        AtomicInteger fired = new AtomicInteger();
        return s -> {
            if (s.equals(step) && fired.getAndIncrement() == 0) {
                if (kind.equals("ERROR")) {
                    throw new Error("injected Lambda timeout after " + s);
                }
                throw new IllegalStateException("injected crash after " + s);
            }
        };
    }

    private static String newWithdrawal(String amount) {
        String sub = "wf-" + UUID.randomUUID();
        String token = trading.fundedUser(sub, "1000000", "CASH");
        Api.Reply r = w.withdraw(token, "k-" + UUID.randomUUID(), amount);
        assertEquals(202, r.status(), r.raw());
        String id = r.json().path("withdrawalId").asText();
        ALL.add(id);
        return id;
    }

    private static WithdrawalStatus status(String id) {
        return w.stored(id).orElseThrow().status();
    }

    private static void assertClean() {
        Optional<String> v = w.violations(bank, ALL);
        if (v.isPresent()) {
            fail(v.get());
        }
    }

    /** Runs a fault-free worker on {@code id} until it is finished, auditing after every run. */
    private static void carryOn(String id) {
        WithdrawalWorker clean = worker(FaultPoint.NONE);
        for (int i = 0; i < 50 && status(id) == WithdrawalStatus.PENDING; i++) {
            try {
                clean.process(id);
            } catch (WithdrawalWorker.NotYet | BankTransfers.Unanswered e) {
                sleep(100);
            }
            assertClean();
        }
        assertTrue(status(id) != WithdrawalStatus.PENDING, "withdrawal " + id + " never finished");
    }

    /**
     * One delivery round through the real queue: receive a batch, invoke the worker as Lambda
     * would, delete what succeeded, make the failures visible again at once. A {@link Throwable}
     * (Lambda timeout) fails the whole batch.
     */
    private static int deliverOnce(WithdrawalWorker worker) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setBody(m.body());
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            r.setAttributes(attributes);
            records.add(r);
        }
        event.setRecords(records);
        Set<String> failed = new HashSet<>();
        try {
            SQSBatchResponse response = worker.handleRequest(event, null);
            response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
        } catch (Throwable timeout) {
            messages.forEach(m -> failed.add(m.messageId()));
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (failed.contains(m.messageId())) {
                sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            } else {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        }
        return messages.size();
    }

    /** Delivers from the queue until every id is finished, auditing after every delivery. */
    private static void deliverUntilFinished(WithdrawalWorker worker, List<String> ids, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        long quietSince = System.nanoTime();
        while (ids.stream().anyMatch(id -> status(id) == WithdrawalStatus.PENDING)) {
            if (System.nanoTime() > until) {
                fail("still PENDING after " + timeout + ": "
                        + ids.stream().filter(id -> status(id) == WithdrawalStatus.PENDING).toList());
            }
            if (deliverOnce(worker) == 0) {
                sleep(50);
                if (System.nanoTime() > quietSince + Duration.ofSeconds(5).toNanos()) {
                    // the queue ran dry with work left: messages that failed maxReceives times sit in
                    // the DLQ, and in AWS the scheduled re-drive picks their withdrawals up again
                    new WithdrawalRedrive(env.deployment()).redriveOlderThan(Duration.ZERO);
                    quietSince = System.nanoTime();
                }
            } else {
                quietSince = System.nanoTime();
            }
            assertClean();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------ step boundaries

    @ParameterizedTest(name = "{0} fails with {1} while the bank {2}s")
    @CsvSource({
            "attempt-recorded, EXCEPTION, SUCCEED",
            "attempt-recorded, ERROR, SUCCEED",
            "bank-answered, EXCEPTION, SUCCEED",
            "bank-answered, ERROR, SUCCEED",
            "completed, EXCEPTION, SUCCEED",
            "completed, ERROR, SUCCEED",
            "attempt-recorded, EXCEPTION, REFUSE",
            "attempt-recorded, ERROR, REFUSE",
            "bank-answered, EXCEPTION, REFUSE",
            "bank-answered, ERROR, REFUSE",
            "failed, EXCEPTION, REFUSE",
            "failed, ERROR, REFUSE",
    })
    void aCrashAfterAnyWriteResumesWithoutPayingTwice(String step, String kind, StandInBank.Mode mode) {
        bank.mode(mode);
        String id = newWithdrawal("12345");
        long sendsBefore = bank.sendsReceived();

        assertThrows(Throwable.class, () -> worker(once(step, kind)).process(id));
        COVERED.add(step + "/" + kind.toLowerCase() + (step.startsWith("attempt") || step.startsWith("bank") ? "/" + mode.name().toLowerCase() : ""));
        assertClean();
        boolean finalStep = step.equals("completed") || step.equals("failed");
        assertEquals(finalStep ? (mode == StandInBank.Mode.SUCCEED ? WithdrawalStatus.COMPLETED : WithdrawalStatus.FAILED)
                : WithdrawalStatus.PENDING, status(id));

        carryOn(id);
        assertEquals(mode == StandInBank.Mode.SUCCEED ? WithdrawalStatus.COMPLETED : WithdrawalStatus.FAILED, status(id));
        assertEquals(mode == StandInBank.Mode.SUCCEED, bank.paid(id));
        assertEquals(1, bank.sendsReceived() - sendsBefore, "exactly one send reached the bank");
        long finishing = w.ledger(w.stored(id).orElseThrow().accountId()).stream()
                .filter(e -> id.equals(e.withdrawalId())).count();
        assertEquals(2, finishing, "one HOLD and one PAID or RELEASE entry");
    }

    // ------------------------------------------------------------------------------ the bank misbehaves

    @Test
    void aHangingBankLeavesItPendingAndTheTransferIsSentOnlyAfterTheBankSaysItNeverGotIt() {
        bank.mode(StandInBank.Mode.HANG).hangMillis(1_500);
        String id = newWithdrawal("5000");
        WithdrawalWorker worker = worker(FaultPoint.NONE);
        assertThrows(BankTransfers.Unanswered.class, () -> worker.process(id));
        COVERED.add("bank-hang");
        assertEquals(WithdrawalStatus.PENDING, status(id));
        assertFalse(bank.paid(id));
        assertClean();

        bank.mode(StandInBank.Mode.SUCCEED);
        carryOn(id);
        assertEquals(WithdrawalStatus.COMPLETED, status(id));
        assertTrue(bank.paid(id));
        assertEquals(0, bank.doublePayments());
    }

    @Test
    void aLateConfirmationIsFoundByAskingTheBankNotBySendingAgain() {
        bank.mode(StandInBank.Mode.LATE).lateMillis(1_500);
        String id = newWithdrawal("7000");
        long sendsBefore = bank.sendsReceived();
        WithdrawalWorker worker = worker(FaultPoint.NONE);
        assertThrows(BankTransfers.Unanswered.class, () -> worker.process(id));
        COVERED.add("bank-late-answer");
        assertEquals(WithdrawalStatus.PENDING, status(id), "no answer yet: not COMPLETED, even though the bank booked it");
        assertTrue(bank.paid(id));
        assertClean();

        carryOn(id); // the bank is still slow to answer sends, but status answers at once
        assertEquals(WithdrawalStatus.COMPLETED, status(id));
        assertEquals(1, bank.sendsReceived() - sendsBefore, "never sent again");
        assertEquals(0, bank.doublePayments());
    }

    // ------------------------------------------------------------------------------ messages

    @Test
    void redeliveredDuplicatedAndConcurrentMessagesWithRandomCrashesPayEachOnce() throws Exception {
        deliverUntilFinished(worker(FaultPoint.NONE), List.copyOf(ALL), Duration.ofSeconds(30)); // earlier tests' messages
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(newWithdrawal(Integer.toString(1000 + i)));
        }
        // duplicates, as a re-drive or a client replay would make them (other dedup ids)
        for (String id : ids) {
            String group = dev.holdfast.functions.withdrawals.WithdrawalQueue.group(w.stored(id).orElseThrow().accountId());
            for (int copy = 0; copy < 2; copy++) {
                String dedup = id + "-dup" + copy;
                sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"withdrawalId\":\"" + id + "\"}")
                        .messageGroupId(group).messageDeduplicationId(dedup));
            }
        }
        COVERED.add("duplicate-messages");
        COVERED.add("redelivered-messages");
        Random random = new Random(7);
        FaultPoint chaos = step -> {
            double d;
            boolean error;
            synchronized (random) {
                d = random.nextDouble();
                error = random.nextBoolean();
            }
            if (d < 0.3) {
                if (error) {
                    throw new Error("injected Lambda timeout after " + step);
                }
                throw new IllegalStateException("injected crash after " + step);
            }
        };
        WithdrawalWorker worker = worker(env.deployment(), chaos, Duration.ofSeconds(1));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> drains = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                drains.add(pool.submit(() -> deliverUntilFinished(worker, ids, Duration.ofSeconds(60))));
            }
            // and the same withdrawal processed directly by two threads at once (overlapping deliveries)
            drains.add(pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    try {
                        worker.process(ids.get(i % ids.size()));
                    } catch (Throwable expected) {
                        // crashes and NotYet are the point
                    }
                    assertClean();
                }
            }));
            COVERED.add("concurrent-deliveries");
            for (Future<?> f : drains) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (String id : ids) {
            assertEquals(WithdrawalStatus.COMPLETED, status(id));
            assertTrue(bank.paid(id));
        }
        assertEquals(0, bank.doublePayments());
        while (deliverOnce(worker(FaultPoint.NONE)) > 0) {
            assertClean(); // the leftover copies change nothing
        }
    }

    @Test
    void dynamoDbThrottlingOnTheWorkerOnlyDelaysPayment() {
        deliverUntilFinished(worker(FaultPoint.NONE), List.copyOf(ALL), Duration.ofSeconds(30));
        Throttling throttling = new Throttling(42, 0.4, Set.of());
        WithdrawalWorker throttled = worker(env.deploymentWith(List.of(throttling)), FaultPoint.NONE, Duration.ZERO);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(newWithdrawal(Integer.toString(2000 + i)));
        }
        deliverUntilFinished(throttled, ids, Duration.ofSeconds(90));
        COVERED.add("dynamodb-throttling");
        assertTrue(throttling.injected() > 0, "throttling was injected");
        for (String id : ids) {
            assertEquals(WithdrawalStatus.COMPLETED, status(id));
        }
        assertEquals(0, bank.doublePayments());
    }

    @Test
    void aDeadLetteredWithdrawalIsReDrivenAndPaid() {
        deliverUntilFinished(worker(FaultPoint.NONE), List.copyOf(ALL), Duration.ofSeconds(30));
        String id = newWithdrawal("3333");
        String dlq = env.queueUrls(Queues.WITHDRAWALS).dlqUrl();
        // fail its delivery until SQS dead-letters it (maxReceiveCount)
        boolean deadLettered = false;
        for (int i = 0; i < 40 && !deadLettered; i++) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)).messages()) {
                sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            }
            deadLettered = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNamesWithStrings("ApproximateNumberOfMessages"))
                    .attributesAsStrings().getOrDefault("ApproximateNumberOfMessages", "0").compareTo("0") > 0;
        }
        assertTrue(deadLettered, "the message reached the DLQ");
        assertEquals(0, deliverOnce(worker(FaultPoint.NONE)), "nothing left in the queue");
        assertEquals(WithdrawalStatus.PENDING, status(id));
        COVERED.add("dead-lettered-message");

        WithdrawalRedrive redrive = new WithdrawalRedrive(env.deployment());
        assertEquals(0, redrive.redriveOlderThan(Duration.ofHours(1)), "younger than the threshold: left alone");
        assertTrue(redrive.redriveOlderThan(Duration.ZERO) >= 1);
        deliverUntilFinished(worker(FaultPoint.NONE), List.of(id), Duration.ofSeconds(30));
        assertEquals(WithdrawalStatus.COMPLETED, status(id));
        assertEquals(0, redrive.redriveOlderThan(Duration.ZERO), "finished withdrawals leave the pending index");
        sqs.purgeQueue(b -> b.queueUrl(dlq));
    }
}
