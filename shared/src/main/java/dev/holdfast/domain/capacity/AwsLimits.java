package dev.holdfast.domain.capacity;

/**
 * AWS's published default limits that bound the deployed design (checked against the AWS
 * documentation; see {@code docs/capacity.md} for the pages). All figures are per second unless the
 * name says otherwise; quotas marked "raisable" can be raised through Service Quotas.
 *
 * @param apiGatewayRps              API Gateway throttle per account and region, shared by every API (raisable)
 * @param apiGatewayBurst            its token-bucket burst
 * @param lambdaConcurrency          Lambda concurrent executions per account and region, default (raisable)
 * @param lambdaScalePerTenSeconds   execution environments Lambda adds per function every 10 s
 * @param partitionWcu               write units one DynamoDB partition serves (one item lives on one partition)
 * @param partitionRcu               read units one DynamoDB partition serves
 * @param tableWcu                   write units a table serves instantly: a new on-demand table starts at 4,000
 *                                   (raise it by pre-warming the table's warm throughput before the event)
 * @param tableRcu                   read units a table serves instantly: a new on-demand table starts at 12,000
 * @param fifoCallsPerAction         SQS FIFO calls per API action per queue without high-throughput mode
 * @param fifoBatchSize              messages per batch call (so 3,000 messages/s with batches of 10)
 * @param fifoHighThroughputCalls    calls per action per queue in high-throughput mode, largest regions
 * @param fifoPerGroup               messages per message group, in either mode
 */
public record AwsLimits(double apiGatewayRps, double apiGatewayBurst, double lambdaConcurrency,
                        double lambdaScalePerTenSeconds, double partitionWcu, double partitionRcu,
                        double tableWcu, double tableRcu, double fifoCallsPerAction, int fifoBatchSize,
                        double fifoHighThroughputCalls, double fifoPerGroup) {

    /** The published defaults. */
    public static AwsLimits published() {
        // one definition of each shared figure: the account's (Bulkheads), a new on-demand table's (CapacitySettings)
        return new AwsLimits(dev.holdfast.resources.Bulkheads.ACCOUNT_API_RPS, 5_000, dev.holdfast.resources.Bulkheads.ACCOUNT_CONCURRENCY,
                1_000, 1_000, 3_000, CapacitySettings.NEW_ON_DEMAND.writeUnitsPerSecond(),
                CapacitySettings.NEW_ON_DEMAND.readUnitsPerSecond(), 300, 10, 70_000, 300);
    }

    public AwsLimits withTable(double wcu, double rcu) {
        return new AwsLimits(apiGatewayRps, apiGatewayBurst, lambdaConcurrency, lambdaScalePerTenSeconds, partitionWcu,
                partitionRcu, wcu, rcu, fifoCallsPerAction, fifoBatchSize, fifoHighThroughputCalls, fifoPerGroup);
    }

    public AwsLimits withApiGatewayRps(double rps) {
        return new AwsLimits(rps, apiGatewayBurst, lambdaConcurrency, lambdaScalePerTenSeconds, partitionWcu,
                partitionRcu, tableWcu, tableRcu, fifoCallsPerAction, fifoBatchSize, fifoHighThroughputCalls, fifoPerGroup);
    }

    public AwsLimits withLambdaConcurrency(double concurrency) {
        return new AwsLimits(apiGatewayRps, apiGatewayBurst, concurrency, lambdaScalePerTenSeconds, partitionWcu,
                partitionRcu, tableWcu, tableRcu, fifoCallsPerAction, fifoBatchSize, fifoHighThroughputCalls, fifoPerGroup);
    }
}
