package dev.holdfast.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP edge without AWS: routing, contract errors, request ids and JSON logs. */
class HttpFunctionTest {

    /** A function serving GET /status with a handler that fails unexpectedly. */
    static final class Broken extends HttpFunction {
        Broken() {
            super(Functions.PLATFORM);
            serve("GET /status", r -> {
                throw new IllegalStateException("database password is hunter2");
            });
        }
    }

    private static APIGatewayV2HTTPEvent event(String routeKey, String path, String requestId) {
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey(routeKey).withRawPath(path)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId(requestId)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(path)
                                .withSourceIp("127.0.0.1").build()).build())
                .build();
    }

    private static String captureStdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownRoutesAre404WithTheRequestIdAndAJsonLogLine() throws Exception {
        APIGatewayV2HTTPResponse[] out = new APIGatewayV2HTTPResponse[1];
        String log = captureStdout(() -> out[0] = new Broken().handleRequest(event("$default", "/nope", "req-42"), null));
        assertEquals(404, out[0].getStatusCode());
        assertEquals("req-42", out[0].getHeaders().get("X-Request-Id"));
        JsonNode body = Json.parse(out[0].getBody());
        assertEquals("NOT_FOUND", body.path("error").path("code").asText());
        JsonNode line = Json.parse(log.strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("req-42", line.path("requestId").asText());
        assertEquals(404, line.path("status").asInt());
        assertEquals("NOT_FOUND", line.path("code").asText());
    }

    @Test
    void unexpectedFailuresAre500sThatLeakNothing() throws Exception {
        APIGatewayV2HTTPResponse[] out = new APIGatewayV2HTTPResponse[1];
        String log = captureStdout(() -> out[0] = new Broken().handleRequest(event("GET /status", "/status", "req-7"), null));
        assertEquals(500, out[0].getStatusCode());
        assertEquals("INTERNAL_ERROR", Json.parse(out[0].getBody()).path("error").path("code").asText());
        assertTrue(!out[0].getBody().contains("hunter2"), "no internals in the response");
        assertTrue(log.contains("\"level\":\"ERROR\""), "but the log says what happened");
    }

    @Test
    void dynamoDbThrottlingPastRetriesIsAClear503WithRetryAfter() throws Exception {
        HttpFunction f = new HttpFunction(Functions.PLATFORM) {
            {
                serve("GET /status", r -> {
                    throw software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.builder()
                            .message("throttled").statusCode(400)
                            .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                    .errorCode("ProvisionedThroughputExceededException").serviceName("DynamoDb").build())
                            .build();
                });
            }
        };
        APIGatewayV2HTTPResponse[] out = new APIGatewayV2HTTPResponse[1];
        out[0] = f.handleRequest(event("GET /status", "/status", "req-9"), null);
        assertEquals(503, out[0].getStatusCode());
        assertEquals("1", out[0].getHeaders().get("Retry-After"));
        JsonNode error = Json.parse(out[0].getBody()).path("error");
        assertEquals("SERVICE_UNAVAILABLE", error.path("code").asText());
        assertEquals(1, error.path("details").path("retryAfterSeconds").asInt());
    }

    @Test
    void adminRoutesNeedVerifiedClaims() throws Exception {
        HttpFunction f = new HttpFunction(Functions.PLATFORM) {
            {
                serve("GET /admin/audit", r -> HttpResponse.of(200, Json.object()));
            }
        };
        APIGatewayV2HTTPResponse[] out = new APIGatewayV2HTTPResponse[1];
        captureStdout(() -> out[0] = f.handleRequest(event("GET /admin/audit", "/admin/audit", "r"), null));
        assertEquals(401, out[0].getStatusCode(), "no authorizer claims, no caller");
    }
}
