package dev.holdfast.local.bench;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Counts DynamoDB round trips and the capacity DynamoDB reports for them
 * ({@code ReturnConsumedCapacity = TOTAL}, set on every request by this interceptor), so a
 * benchmark can state write and read units per operation of the real code path.
 */
public final class CapacityMeter implements ExecutionInterceptor {
    private final DoubleAdder writeUnits = new DoubleAdder();
    private final DoubleAdder readUnits = new DoubleAdder();
    private final AtomicLong calls = new AtomicLong();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        calls.incrementAndGet();
        if (r instanceof TransactWriteItemsRequest t) {
            return t.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (r instanceof PutItemRequest p) {
            return p.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (r instanceof UpdateItemRequest u) {
            return u.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (r instanceof GetItemRequest g) {
            return g.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        }
        return r;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Object r = context.response();
        if (r instanceof TransactWriteItemsResponse t) {
            addWrites(t.consumedCapacity());
        } else if (r instanceof PutItemResponse p) {
            addWrites(p.consumedCapacity() == null ? List.of() : List.of(p.consumedCapacity()));
        } else if (r instanceof UpdateItemResponse u) {
            addWrites(u.consumedCapacity() == null ? List.of() : List.of(u.consumedCapacity()));
        } else if (r instanceof GetItemResponse g && g.consumedCapacity() != null) {
            readUnits.add(units(g.consumedCapacity()));
        } else if (r instanceof QueryResponse q && q.consumedCapacity() != null) {
            readUnits.add(units(q.consumedCapacity()));
        }
    }

    private void addWrites(List<ConsumedCapacity> list) {
        if (list != null) {
            list.forEach(c -> writeUnits.add(units(c)));
        }
    }

    private static double units(ConsumedCapacity c) {
        if (c.capacityUnits() != null) {
            return c.capacityUnits();
        }
        double w = c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits();
        double rd = c.readCapacityUnits() == null ? 0 : c.readCapacityUnits();
        return w + rd;
    }

    /** The environment's deployment with a DynamoDB client that reports to this meter. */
    public dev.holdfast.runtime.Deployment meter(dev.holdfast.local.LocalHoldfast env) {
        var d = env.deployment();
        var metered = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .region(software.amazon.awssdk.regions.Region.of(env.endpoints().path("region").asText()))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("holdfast", "holdfast")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .endpointOverride(java.net.URI.create(env.endpoints().path("dynamodbEndpoint").asText()))
                .overrideConfiguration(o -> o.addExecutionInterceptor(this)).build();
        return new dev.holdfast.runtime.Deployment(new dev.holdfast.runtime.AwsClients(metered,
                software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient.builder().dynamoDbClient(metered).build(),
                d.clients().sqs()), d.names(), d.clock());
    }

    public double writeUnits() {
        return writeUnits.sum();
    }

    public double readUnits() {
        return readUnits.sum();
    }

    public long calls() {
        return calls.get();
    }

    public void reset() {
        writeUnits.reset();
        readUnits.reset();
        calls.set(0);
    }
}
