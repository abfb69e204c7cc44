package dev.holdfast.persistence.exposure;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.exposure.RiskItems.LagItem;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fail-close input of the order path: how far behind the post-trade risk pipeline is, as it
 * last reported (item {@code pk = RISK, sk = LAG}: {@code lagMillis}, {@code measuredAt}).
 *
 * <p>The rule ({@link #failClosed}): trading pauses when the reported lag exceeds
 * {@code maxRiskLagSeconds}, or when the last report is itself older than
 * {@code maxRiskLagSeconds} — a processor that stopped reporting is treated as a backlog, since
 * nothing shows it is keeping up. With no report ever made, trading is not paused: the pipeline
 * is not deployed yet and there is nothing to wait for.
 */
public final class RiskLagStore {
    private final DynamoDbTable<LagItem> table;

    public RiskLagStore(Deployment deployment) {
        this.table = deployment.clients().enhanced().table(deployment.names().table(Tables.PLATFORM), LagItem.SCHEMA);
    }

    /** One report: the pipeline was {@code lag} behind at {@code measuredAt}. */
    public record Lag(Duration lag, Instant measuredAt) {
        public Lag {
            Objects.requireNonNull(lag);
            Objects.requireNonNull(measuredAt);
        }
    }

    /**
     * Records a measurement. A report older than the stored one (delivered late) is ignored, so
     * the stored report only moves forward in time.
     */
    public void report(Duration lag, Instant measuredAt) {
        LagItem i = RiskItems.toItem(new Lag(lag, measuredAt));
        try {
            table.putItem(PutItemEnhancedRequest.builder(LagItem.class).item(i)
                    .conditionExpression(Expression.builder()
                            .expression("attribute_not_exists(pk) OR #at <= :at")
                            .expressionNames(Map.of("#at", "measuredAt"))
                            .expressionValues(Map.of(":at", AttributeValue.fromS(i.measuredAt)))
                            .build())
                    .build());
        } catch (ConditionalCheckFailedException newer) {
            // a newer report is already stored
        }
    }

    /**
     * Forgets the last report, back to "never reported" (which does not fail closed): for a
     * pipeline that is decommissioned, and for tests that reported a lag into a shared
     * environment and must not leave a report behind that goes silent (and so halts trading)
     * {@code maxRiskLagSeconds} later.
     */
    public void clear() {
        table.deleteItem(Key.builder().partitionValue(RiskItems.PK).sortValue(RiskItems.LAG).build());
    }

    /** The last report (strongly consistent), if any was ever made. */
    public Optional<Lag> current() {
        LagItem i = table.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(RiskItems.PK).sortValue(RiskItems.LAG).build())
                .consistentRead(true).build());
        return Optional.ofNullable(i).map(RiskItems::fromItem);
    }

    /**
     * Whether orders must be refused ({@code TRADING_HALTED}, reason {@code RISK_BACKLOG}) at
     * {@code now}: the reported lag exceeds {@code maxRiskLagSeconds}, or the last report is older
     * than {@code maxRiskLagSeconds} (a silent processor counts as a backlog). No report at all is
     * not a reason to fail closed.
     */
    public static boolean failClosed(Optional<Lag> lag, int maxRiskLagSeconds, Instant now) {
        if (lag.isEmpty()) {
            return false;
        }
        Duration max = Duration.ofSeconds(maxRiskLagSeconds);
        if (lag.get().lag().compareTo(max) > 0) {
            return true;
        }
        return Duration.between(lag.get().measuredAt(), now).compareTo(max) > 0;
    }
}
