package dev.holdfast.local.faults;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection: DynamoDB throttling. Before an attempt of one of {@code operations} is sent, it
 * fails with {@code ProvisionedThroughputExceededException} with probability {@code rate} (seeded,
 * so a run can be repeated). The request never reaches DynamoDB, exactly as when the service
 * throttles it; the SDK's own retries then see throttling too, so with a high rate the error
 * reaches the caller. Switch it on and off with {@link #rate(double)}.
 *
 * <p>{@link #exhaustingRetries} throttles whole calls instead of attempts: the caller sees the
 * throttling error at once, as when every one of the SDK's retries was throttled too — without
 * waiting through the SDK's back-off.
 */
public final class Throttling implements ExecutionInterceptor {
    private final Set<String> operations;
    private final Random random;
    private volatile double rate;
    private final AtomicLong injected = new AtomicLong();

    /** @param operations operation names such as {@code TransactWriteItems}; empty means every operation */
    public Throttling(long seed, double rate, Set<String> operations) {
        this(seed, rate, operations, false);
    }

    private final boolean wholeCalls;

    private Throttling(long seed, double rate, Set<String> operations, boolean wholeCalls) {
        this.random = new Random(seed);
        this.rate = rate;
        this.operations = Set.copyOf(operations);
        this.wholeCalls = wholeCalls;
    }

    /** Throttles whole calls (the error reaches the caller at once, past the SDK's retries). */
    public static Throttling exhaustingRetries(long seed, double rate, Set<String> operations) {
        return new Throttling(seed, rate, operations, true);
    }

    public Throttling rate(double r) {
        this.rate = r;
        return this;
    }

    /** How many attempts were throttled so far. */
    public long injected() {
        return injected.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (wholeCalls) {
            maybeThrottle(attributes);
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!wholeCalls) {
            maybeThrottle(attributes);
        }
    }

    private void maybeThrottle(ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (rate <= 0 || (!operations.isEmpty() && !operations.contains(op))) {
            return;
        }
        boolean hit;
        synchronized (random) {
            hit = random.nextDouble() < rate;
        }
        if (hit) {
            injected.incrementAndGet();
            throw ProvisionedThroughputExceededException.builder()
                    .message("injected throttling (" + op + ")")
                    .statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("injected throttling").serviceName("DynamoDb").build())
                    .build();
        }
    }
}
