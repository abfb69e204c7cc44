package dev.holdfast.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.live.ClientAction;
import dev.holdfast.domain.live.LiveSender;
import dev.holdfast.resources.Functions;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local stand-in for API Gateway's WebSocket API, at {@code ws://127.0.0.1:<port>/ws}: checks
 * the user's JWT at connect ({@code Authorization: Bearer} or {@code ?token=}) as the deployed
 * {@code $connect} authorizer does, and refuses the handshake without one; routes each text message
 * on its {@code action} ({@code $request.body.action}: {@code subscribe}, {@code unsubscribe},
 * {@code resume}, {@code ping}, else {@code $default}) to the real {@code live} function with the
 * event API Gateway would send; and is that function's {@link LiveSender} (what
 * {@code PostToConnection} is in AWS: a closed connection is {@code GONE}).
 *
 * <p>Heartbeats: a client sends {@code {"action": "ping"}} (answered {@code heartbeat}); the server
 * sends WebSocket ping frames every {@code pingSeconds} and closes a connection that stops answering
 * them. A connection from which no message arrived for the idle timeout (API Gateway: 10 minutes)
 * is closed; every close runs {@code $disconnect}, which removes the connection and its subscriptions.
 */
public final class LocalWebSocketGateway extends WebSocketServer implements LiveSender {
    /** API Gateway's idle timeout for WebSocket connections. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);
    static final int DEFAULT_PING_SECONDS = 30;

    private final FunctionHost host;
    private final LocalJwt jwt;
    private final Clock clock;
    private final Map<String, WebSocket> open = new ConcurrentHashMap<>();
    private final Map<String, Long> lastMessageNanos = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService reaper;
    private final CountDownLatch started = new CountDownLatch(1);
    private final SecureRandom random = new SecureRandom();
    private volatile Duration idleTimeout = DEFAULT_IDLE;

    /** What the handshake learnt, kept on the socket. */
    private record Attachment(String connectionId, Map<String, Object> authorizer) {}

    public LocalWebSocketGateway(FunctionHost host, LocalJwt jwt, Clock clock, String bindHost, int port) {
        super(new InetSocketAddress(bindHost, port));
        this.host = host;
        this.jwt = jwt;
        this.clock = clock;
        setReuseAddr(true);
        setDaemon(true);
        setConnectionLostTimeout(DEFAULT_PING_SECONDS);
        this.workers = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "local-ws");
            t.setDaemon(true);
            return t;
        });
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-ws-idle");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts serving and waits until the port is bound. */
    public void begin() throws InterruptedException {
        start();
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the local WebSocket server did not start");
        }
        reaper.scheduleWithFixedDelay(this::closeIdle, 200, 200, TimeUnit.MILLISECONDS);
    }

    public String url() {
        return "ws://127.0.0.1:" + getPort() + "/ws";
    }

    /** How long a connection may stay silent before it is closed (tests shorten it). */
    public void idleTimeout(Duration d) {
        this.idleTimeout = d;
    }

    /** Open connections right now. */
    public int openConnections() {
        return open.size();
    }

    public void end() {
        reaper.shutdownNow();
        try {
            stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // closing sockets whose peers are already gone (a selector key cancelled): the server is down anyway
        }
        workers.shutdown();
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft, ClientHandshake request)
            throws InvalidDataException {
        ServerHandshakeBuilder b = super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        String resource = request.getResourceDescriptor();
        String path = resource.contains("?") ? resource.substring(0, resource.indexOf('?')) : resource;
        if (!path.equals("/ws")) {
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "no WebSocket API at " + path);
        }
        Optional<Map<String, String>> claims = token(request).flatMap(jwt::verify);
        if (claims.isEmpty()) {
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "a valid bearer token is required");
        }
        String connectionId = newConnectionId();
        Map<String, Object> authorizer = new HashMap<>();
        authorizer.put("principalId", claims.get().get("sub"));
        authorizer.put("sub", claims.get().get("sub"));
        authorizer.put("groups", claims.get().getOrDefault("cognito:groups", ""));
        APIGatewayV2WebSocketResponse r = host.invoke(Functions.LIVE, event("$connect", "CONNECT", connectionId, authorizer, null),
                UUID.randomUUID().toString());
        if (r == null || r.getStatusCode() / 100 != 2) {
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "$connect refused the connection");
        }
        conn.setAttachment(new Attachment(connectionId, authorizer));
        return b;
    }

    static Optional<String> token(ClientHandshake request) {
        String auth = request.getFieldValue("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(auth.substring(7).trim());
        }
        String resource = request.getResourceDescriptor();
        int q = resource.indexOf('?');
        if (q >= 0) {
            for (String pair : resource.substring(q + 1).split("&")) {
                if (pair.startsWith("token=")) {
                    return Optional.of(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    private String newConnectionId() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private APIGatewayV2WebSocketEvent event(String routeKey, String eventType, String connectionId,
                                             Map<String, Object> authorizer, String body) {
        APIGatewayV2WebSocketEvent.RequestContext ctx = new APIGatewayV2WebSocketEvent.RequestContext();
        ctx.setRouteKey(routeKey);
        ctx.setEventType(eventType);
        ctx.setConnectionId(connectionId);
        ctx.setApiId("local");
        ctx.setStage("local");
        ctx.setDomainName("127.0.0.1:" + getPort());
        ctx.setRequestId(UUID.randomUUID().toString());
        ctx.setRequestTimeEpoch(clock.millis());
        ctx.setMessageDirection("IN");
        ctx.setAuthorizer(authorizer);
        APIGatewayV2WebSocketEvent e = new APIGatewayV2WebSocketEvent();
        e.setRequestContext(ctx);
        e.setBody(body);
        e.setIsBase64Encoded(false);
        return e;
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        Attachment a = conn.getAttachment();
        open.put(a.connectionId(), conn);
        lastMessageNanos.put(a.connectionId(), System.nanoTime());
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        Attachment a = conn.getAttachment();
        if (a == null) {
            return; // refused at the handshake
        }
        open.remove(a.connectionId());
        lastMessageNanos.remove(a.connectionId());
        workers.execute(() -> invoke("$disconnect", "DISCONNECT", a, null));
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        Attachment a = conn.getAttachment();
        lastMessageNanos.put(a.connectionId(), System.nanoTime());
        workers.execute(() -> invoke(routeKey(message), "MESSAGE", a, message));
    }

    /** API Gateway's route selection on {@code $request.body.action}. */
    static String routeKey(String message) {
        try {
            JsonNode n = Json.parse(message);
            String action = n == null ? null : n.path("action").textValue();
            return action != null && ClientAction.ROUTES.contains(action) ? action : "$default";
        } catch (Exception e) {
            return "$default";
        }
    }

    private void invoke(String routeKey, String eventType, Attachment a, String body) {
        try {
            host.invoke(Functions.LIVE, event(routeKey, eventType, a.connectionId(), a.authorizer(), body),
                    UUID.randomUUID().toString());
        } catch (RuntimeException e) {
            System.err.println("{\"level\":\"ERROR\",\"logger\":\"local-ws\",\"message\":"
                    + Json.MAPPER.valueToTree(String.valueOf(e)) + "}");
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        // a broken connection ends in onClose; a server-level error is logged
        if (conn == null) {
            System.err.println("{\"level\":\"ERROR\",\"logger\":\"local-ws\",\"message\":"
                    + Json.MAPPER.valueToTree(String.valueOf(ex)) + "}");
        }
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    private void closeIdle() {
        long limit = idleTimeout.toNanos();
        long now = System.nanoTime();
        lastMessageNanos.forEach((id, last) -> {
            if (now - last > limit) {
                WebSocket s = open.get(id);
                if (s != null) {
                    s.close(CloseFrame.GOING_AWAY, "idle");
                }
                lastMessageNanos.remove(id);
            }
        });
    }

    // ---- PostToConnection ----

    @Override
    public Delivery send(String connectionId, String message) {
        WebSocket s = open.get(connectionId);
        if (s == null || !s.isOpen()) {
            return Delivery.GONE;
        }
        try {
            s.send(message);
            return Delivery.DELIVERED;
        } catch (WebsocketNotConnectedException e) {
            return Delivery.GONE;
        }
    }
}
