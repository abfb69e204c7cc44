package dev.holdfast.functions.http;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 #6: every log line of an invocation carries the Lambda request id, the trace id, the
 * cold-start flag, a level and the stage; an error carries its stack trace.
 */
class InvocationLogTest {

    static Context context(String awsRequestId, String traceId) {
        return new Context() {
            @Override public String getAwsRequestId() { return awsRequestId; }
            @Override public String getXrayTraceId() { return traceId; }
            @Override public String getLogGroupName() { return "g"; }
            @Override public String getLogStreamName() { return "s"; }
            @Override public String getFunctionName() { return "platform"; }
            @Override public String getFunctionVersion() { return "1"; }
            @Override public String getInvokedFunctionArn() { return "arn"; }
            @Override public CognitoIdentity getIdentity() { return null; }
            @Override public ClientContext getClientContext() { return null; }
            @Override public int getRemainingTimeInMillis() { return 1000; }
            @Override public int getMemoryLimitInMB() { return 512; }
            @Override public LambdaLogger getLogger() { return null; }
        };
    }

    private static APIGatewayV2HTTPEvent event(String path, String requestId) {
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("GET /status").withRawPath(path)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId(requestId)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(path)
                                .withSourceIp("127.0.0.1").build()).build())
                .build();
    }

    private static List<JsonNode> lines(ByteArrayOutputStream buf) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : buf.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                out.add(Json.parse(l));
            }
        }
        return out;
    }

    @Test
    void everyLineOfAnInvocationNamesItsLambdaRequestTraceColdStartLevelAndStage() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            HttpFunctionTest.Broken f = new HttpFunctionTest.Broken();
            f.handleRequest(event("/status", "req-1"), context("lambda-1", "Root=1-5f000000-aaaaaaaaaaaaaaaaaaaaaaaa;Sampled=1"));
            f.handleRequest(event("/status", "req-2"), context("lambda-2", "Root=1-5f000000-bbbbbbbbbbbbbbbbbbbbbbbb;Sampled=1"));
        } finally {
            System.setOut(old);
        }
        List<JsonNode> lines = lines(buf);
        JsonNode error1 = lines.stream().filter(l -> l.path("level").asText().equals("ERROR")).findFirst().orElseThrow();
        assertEquals("lambda-1", error1.path("awsRequestId").asText());
        assertEquals("req-1", error1.path("requestId").asText());
        assertTrue(error1.path("traceId").asText().startsWith("Root=1-5f000000-aaaa"));
        assertEquals(Invocation.LOCAL_STAGE, error1.path("stage").asText());
        assertTrue(error1.path("stackTrace").asText().contains("IllegalStateException"), "an error logs its stack trace");
        assertTrue(error1.path("stackTrace").asText().contains("\tat "), "with its frames");
        for (JsonNode l : lines) {
            assertTrue(l.has("level") && l.has("awsRequestId") && l.has("traceId") && l.has("coldStart") && l.has("stage"), l.toString());
        }
        // the function's first invocation in this process is the cold one, the second is warm
        List<JsonNode> access = lines.stream().filter(l -> l.path("message").asText().equals("request")).toList();
        assertEquals(2, access.size());
        assertEquals("lambda-2", access.get(1).path("awsRequestId").asText());
        assertFalse(access.get(1).path("coldStart").asBoolean());
        assertFalse(Invocation.current().isPresent(), "the scope closes with the invocation");
    }

    @Test
    void coldStartIsTheFirstInvocationOfAFunctionInTheProcessAndAgainAfterARestore() {
        String fn = "cold-start-probe";
        try (Invocation.Scope s = Invocation.begin(fn, context("a", null))) {
            assertTrue(Invocation.current().orElseThrow().coldStart());
        }
        try (Invocation.Scope s = Invocation.begin(fn, context("b", null))) {
            assertFalse(Invocation.current().orElseThrow().coldStart());
        }
        Invocation.restored();
        try (Invocation.Scope s = Invocation.begin(fn, context("c", null))) {
            assertTrue(Invocation.current().orElseThrow().coldStart(), "after a SnapStart restore");
        }
        assertEquals(Functions.SETTLER.id(), idOf(dev.holdfast.functions.settlement.Settler.class));
    }

    private static String idOf(Class<?> handler) {
        try (Invocation.Scope s = Invocation.begin(handler, context("x", null))) {
            return Invocation.current().orElseThrow().function();
        }
    }
}
