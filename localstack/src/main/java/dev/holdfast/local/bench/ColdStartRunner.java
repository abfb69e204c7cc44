package dev.holdfast.local.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stand-in for Lambda's runtime client in the cold-start bench: runs in a FRESH JVM whose
 * classpath is one function jar (plus this class), builds the handler through its no-arg
 * constructor (Lambda's path: everything from environment variables), delivers ONE event and prints
 * one line {@code COLDSTART main=… init=… primed=… event=… status=…} (milliseconds; {@code main} since
 * the bench's launch, by {@link System#nanoTime()}, which is one clock for all processes on Linux).
 *
 * <p>It depends on nothing but the JDK and the Lambda core and events libraries, which both the
 * functions jar and the minimal handler's jar carry; so no Holdfast class is named here.
 *
 * <p>Arguments: {@code LAUNCH_NANOS HANDLER_CLASS PRIME(true|false) KIND [key=value…]} with KIND one
 * of {@code http} (keys {@code route}, {@code path}, {@code body}, {@code sub}, {@code groups},
 * {@code p.NAME} path parameters, {@code h.NAME} headers), {@code sqs} ({@code body}, {@code group}),
 * {@code schedule}, {@code stream} ({@code i.NAME} string attributes of the new image), {@code websocket}
 * ({@code route}, {@code connection}, {@code body}, {@code sub}), {@code authorizer} ({@code token}), {@code none} (no event:
 * HANDLER_CLASS may then list several classes, comma-separated, e.g. to prime them all).
 */
public final class ColdStartRunner {
    private ColdStartRunner() {}

    public static void main(String[] args) throws Exception {
        long mainAt = System.nanoTime();
        long launch = Long.parseLong(args[0]);
        String handlerClass = args[1];
        boolean prime = Boolean.parseBoolean(args[2]);
        String kind = args[3];
        Map<String, String> kv = new HashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            kv.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }

        long t0 = System.nanoTime();
        RequestHandler<Object, Object> handler = null;
        for (String name : handlerClass.split(",")) { // several only for the priming test (kind "none")
            @SuppressWarnings("unchecked")
            RequestHandler<Object, Object> h = (RequestHandler<Object, Object>) Class.forName(name).getConstructor().newInstance();
            handler = h;
        }
        long t1 = System.nanoTime();
        if (prime) { // what the SnapStart checkpoint runs (registered beforeCheckpoint hooks)
            Class.forName("dev.holdfast.functions.runtime.Priming").getMethod("primeAll").invoke(null);
        }
        long t2 = System.nanoTime();
        Object result = null;
        if (!kind.equals("none")) {
            result = handler.handleRequest(event(kind, kv), new RunnerContext(handlerClass));
        }
        long t3 = System.nanoTime();
        System.out.flush();
        System.out.println("COLDSTART main=" + ms(mainAt - launch) + " init=" + ms(t1 - t0) + " primed=" + ms(t2 - t1)
                + " event=" + ms(t3 - t2) + " status=" + (kind.equals("none") ? "none" : status(result)));
        System.out.flush();
        System.exit(0); // as a frozen Lambda container would, whatever threads the handler left
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String status(Object result) {
        if (result == null) {
            return "ok";
        }
        if (result instanceof com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse r) {
            return Integer.toString(r.getStatusCode());
        }
        if (result instanceof com.amazonaws.services.lambda.runtime.events.SQSBatchResponse r) {
            return r.getBatchItemFailures() == null || r.getBatchItemFailures().isEmpty() ? "ok" : "failures";
        }
        return "ok";
    }

    static Object event(String kind, Map<String, String> kv) {
        switch (kind) {
            case "http": {
                String route = kv.get("route");
                String method = route.substring(0, route.indexOf(' '));
                String path = kv.getOrDefault("path", route.substring(route.indexOf(' ') + 1));
                Map<String, String> pathParams = new HashMap<>();
                Map<String, String> headers = new HashMap<>();
                kv.forEach((k, v) -> {
                    if (k.startsWith("p.")) {
                        pathParams.put(k.substring(2), v);
                    } else if (k.startsWith("h.")) {
                        headers.put(k.substring(2), v);
                    }
                });
                var ctx = APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("coldstart-" + System.nanoTime())
                        .withRouteKey(route)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path)
                                .withSourceIp("127.0.0.1").build());
                if (kv.containsKey("sub")) {
                    ctx.withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                            .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                    .withClaims(Map.of("sub", kv.get("sub"), "cognito:groups", kv.getOrDefault("groups", "[]")))
                                    .build()).build());
                }
                return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey(route).withRawPath(path)
                        .withPathParameters(pathParams).withHeaders(headers).withBody(kv.get("body"))
                        .withIsBase64Encoded(false).withRequestContext(ctx.build()).build();
            }
            case "sqs": {
                SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
                m.setMessageId("coldstart-" + System.nanoTime());
                m.setBody(kv.get("body"));
                m.setMd5OfBody(Integer.toHexString(kv.get("body").getBytes(StandardCharsets.UTF_8).length));
                m.setAttributes(Map.of("MessageGroupId", kv.getOrDefault("group", "coldstart"),
                        "SentTimestamp", Long.toString(System.currentTimeMillis()), "ApproximateReceiveCount", "1"));
                SQSEvent e = new SQSEvent();
                e.setRecords(List.of(m));
                return e;
            }
            case "schedule":
                return new HashMap<String, Object>();
            case "stream": {
                Map<String, AttributeValue> image = new HashMap<>();
                kv.forEach((k, v) -> {
                    if (k.startsWith("i.")) {
                        image.put(k.substring(2), new AttributeValue().withS(v));
                    }
                });
                DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
                r.setEventName("MODIFY");
                r.setDynamodb(new StreamRecord().withNewImage(image).withSequenceNumber("1")
                        .withApproximateCreationDateTime(new Date()));
                DynamodbEvent e = new DynamodbEvent();
                e.setRecords(List.of(r));
                return e;
            }
            case "websocket": {
                var ctx = new com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent.RequestContext();
                ctx.setRouteKey(kv.get("route"));
                ctx.setConnectionId(kv.getOrDefault("connection", "coldstart-connection"));
                ctx.setRequestId("coldstart-" + System.nanoTime());
                if (kv.containsKey("sub")) {
                    ctx.setAuthorizer(Map.of("sub", kv.get("sub")));
                }
                var e = new com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent();
                e.setRequestContext(ctx);
                e.setBody(kv.get("body"));
                return e;
            }
            case "authorizer": {
                var e = new com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent();
                e.setType("REQUEST");
                e.setMethodArn("arn:aws:execute-api:us-east-1:000000000000:coldstart/live/$connect");
                e.setQueryStringParameters(Map.of("token", kv.getOrDefault("token", "not-a-token")));
                return e;
            }
            default:
                throw new IllegalArgumentException("unknown event kind " + kind);
        }
    }

    /** The few Context members handlers read. */
    private static final class RunnerContext implements Context {
        private final String function;
        private final long deadline = System.currentTimeMillis() + 60_000;

        RunnerContext(String function) {
            this.function = function;
        }

        @Override public String getAwsRequestId() { return "coldstart-request"; }
        @Override public String getLogGroupName() { return "coldstart"; }
        @Override public String getLogStreamName() { return "coldstart"; }
        @Override public String getFunctionName() { return function; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:local:000000000000:function:coldstart"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadline - System.currentTimeMillis()); }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.out.print(message); }
                @Override public void log(byte[] message) { System.out.write(message, 0, message.length); }
            };
        }
    }
}
