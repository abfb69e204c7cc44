package dev.holdfast.runtime;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import software.amazon.awssdk.core.retry.RetryMode;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The SDK clients of one container, built once: the URL-connection HTTP client (no Apache, no
 * Netty), an explicit region and credentials provider, so nothing is discovered at cold start.
 */
public record AwsClients(DynamoDbClient dynamo, DynamoDbEnhancedClient enhanced, SqsClient sqs) {

    /**
     * Endpoint override for DynamoDB, read by {@link #fromEnvironment()}. Never set in AWS; set by
     * the cold-start bench so a fresh JVM with only the functions jar talks to DynamoDB Local.
     */
    public static final String DYNAMODB_ENDPOINT_ENV = "HOLDFAST_DYNAMODB_ENDPOINT";
    /** Endpoint override for SQS (ElasticMQ, LocalStack), read by {@link #fromEnvironment()}; never set in AWS. */
    public static final String SQS_ENDPOINT_ENV = "HOLDFAST_SQS_ENDPOINT";

    /**
     * Clients for a Lambda container: region and credentials from Lambda's environment, and the
     * endpoints from {@link #DYNAMODB_ENDPOINT_ENV} / {@link #SQS_ENDPOINT_ENV} when they are set.
     */
    public static AwsClients fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static AwsClients fromEnvironment(java.util.Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", "us-east-1");
        return build(Region.of(region), EnvironmentVariableCredentialsProvider.create(),
                endpoint(env.get(DYNAMODB_ENDPOINT_ENV)), endpoint(env.get(SQS_ENDPOINT_ENV)));
    }

    private static URI endpoint(String value) {
        return value == null || value.isBlank() ? null : URI.create(value.trim());
    }

    /** Clients for local endpoints (DynamoDB Local, ElasticMQ, LocalStack) with dummy credentials. */
    public static AwsClients forEndpoints(URI dynamoEndpoint, URI sqsEndpoint, String region) {
        return forEndpoints(dynamoEndpoint, sqsEndpoint, region, List.of());
    }

    /**
     * Clients for local endpoints whose DynamoDB client runs {@code dynamoInterceptors} — for fault
     * injection only (e.g. throttling a share of calls); never used in a deployed function.
     */
    public static AwsClients forEndpoints(URI dynamoEndpoint, URI sqsEndpoint, String region,
                                         List<ExecutionInterceptor> dynamoInterceptors) {
        return build(Region.of(region),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("holdfast", "holdfast")),
                dynamoEndpoint, sqsEndpoint, dynamoInterceptors);
    }

    private static AwsClients build(Region region, AwsCredentialsProvider credentials,
                                    URI dynamoEndpoint, URI sqsEndpoint) {
        return build(region, credentials, dynamoEndpoint, sqsEndpoint, List.of());
    }

    private static AwsClients build(Region region, AwsCredentialsProvider credentials,
                                    URI dynamoEndpoint, URI sqsEndpoint, List<ExecutionInterceptor> dynamoInterceptors) {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
        // The SDK's own retries stay what every figure and drill was measured with: legacy mode
        // (DynamoDB: up to 9 attempts, 25 ms base). From 2.5x the default is "retry behavior 2.1",
        // whose DynamoDB throttling back-off starts at 1 s: a conflicted settlement or order waits a
        // second per try — the platform's own
        // loops (dev.holdfast.retry.Retry) decide what happens after a refusal instead.
        var ddb = DynamoDbClient.builder().region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(c -> {
                    c.retryStrategy(RetryMode.LEGACY);
                    dynamoInterceptors.forEach(c::addExecutionInterceptor);
                });
        var sqs = SqsClient.builder().region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.LEGACY));
        if (dynamoEndpoint != null) {
            ddb.endpointOverride(dynamoEndpoint);
        }
        if (sqsEndpoint != null) {
            sqs.endpointOverride(sqsEndpoint);
        }
        DynamoDbClient dynamo = ddb.build();
        return new AwsClients(dynamo, DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build(), sqs.build());
    }
}
