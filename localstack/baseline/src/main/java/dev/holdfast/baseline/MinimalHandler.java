package dev.holdfast.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.net.URI;
import java.util.Map;

/**
 * The smallest useful Java Lambda: one DynamoDB client (URL-connection HTTP client, explicit region
 * and credentials provider) built in the constructor and one {@code GetItem} per event. The
 * cold-start bench runs it beside every Holdfast function; it reads the same environment variables
 * ({@code HOLDFAST_DYNAMODB_ENDPOINT}, {@code HOLDFAST_TABLE_PLATFORM}).
 */
public final class MinimalHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final DynamoDbClient dynamo;
    private final String table;

    public MinimalHandler() {
        Map<String, String> env = System.getenv();
        DynamoDbClientBuilder b = DynamoDbClient.builder()
                .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create());
        String endpoint = env.get("HOLDFAST_DYNAMODB_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            b.endpointOverride(URI.create(endpoint));
        }
        this.dynamo = b.build();
        this.table = env.getOrDefault("HOLDFAST_TABLE_PLATFORM", "platform");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        GetItemResponse r = dynamo.getItem(g -> g.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("PLATFORM"), "sk", AttributeValue.fromS("STATUS"))));
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                .withBody(r.hasItem() ? "{\"found\":true}" : "{\"found\":false}").build();
    }
}
