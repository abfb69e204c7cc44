package dev.holdfast.functions.live;

import dev.holdfast.domain.live.LiveSender;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.live.LiveStore;
import dev.holdfast.persistence.markets.MarketStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.live.ClientAction;
import dev.holdfast.domain.live.LiveChange;
import dev.holdfast.domain.live.MarketChanges;
import dev.holdfast.domain.live.Resume;
import dev.holdfast.domain.live.Subscriptions;
import dev.holdfast.domain.market.Market;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live-price WebSocket API's function, for every route: {@code $connect} (the caller's
 * identity comes verified from the authorizer; none refuses the connection), {@code $disconnect},
 * and the client actions {@code subscribe}, {@code unsubscribe}, {@code resume}, {@code ping} and
 * {@code $default} (anything else: a {@code VALIDATION_ERROR} message). Answers go back through
 * {@link LiveSender}, as do the publisher's changes.
 *
 * <p>A subscription is stored before the snapshot is read, and the snapshot reads the market's
 * publish sequence before the market: so every change is either in the snapshot or sent after it
 * (a client drops a message whose sequence it already has).
 */
public final class LiveApi implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
    /** A subscription change that raced another on the same connection is made again at once, up to 5 tries. */
    private static final Retry RETRY = Retry.atOnce(5);

    private final LiveStore store;
    private final MarketStore markets;
    private final LiveSender sender;
    private final Clock clock;
    private final int limit;
    private final JsonLog log = new JsonLog("live");

    public LiveApi() {
        this(Deployment.fromEnvironment(), System.getenv());
        Priming.register(Functions.LIVE, Deployment.fromEnvironment(), this::prime);
    }

    public LiveApi(Deployment deployment, Map<String, String> environment) {
        this(deployment, ManagementApiSender.fromEnvironment(environment), Subscriptions.DEFAULT_LIMIT);
    }

    /** @param limit subscriptions per connection */
    public LiveApi(Deployment deployment, LiveSender sender, int limit) {
        this.store = new LiveStore(deployment);
        this.markets = new MarketStore(deployment, new AuditLog(deployment));
        this.sender = sender;
        this.clock = deployment.clock();
        this.limit = limit;
    }

    /** SnapStart priming: the protocol's parsing and messages on stub data; nothing is sent. */
    private void prime() {
        LiveJson.parse("{\"action\":\"subscribe\",\"marketIds\":[\"m-priming\"]}");
        LiveJson.parse("{\"action\":\"resume\",\"marketId\":\"m-priming\",\"sequence\":1}");
        LiveJson.heartbeat(clock.instant());
        LiveJson.error(new ApiError(ErrorCode.VALIDATION_ERROR, "priming"));
        markets.market(Priming.ABSENT_KEY);
        store.sequence(Priming.ABSENT_KEY);
    }

    private static APIGatewayV2WebSocketResponse status(int code) {
        APIGatewayV2WebSocketResponse r = new APIGatewayV2WebSocketResponse();
        r.setStatusCode(code);
        return r;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private APIGatewayV2WebSocketResponse handle(APIGatewayV2WebSocketEvent event, Context context) {
        var ctx = event.getRequestContext();
        String connectionId = ctx.getConnectionId();
        switch (ctx.getRouteKey()) {
            case "$connect" -> {
                Optional<String> sub = caller(ctx.getAuthorizer());
                if (sub.isEmpty()) {
                    return status(401);
                }
                store.connect(connectionId, sub.get(), clock.instant());
                return status(200);
            }
            case "$disconnect" -> {
                store.disconnect(connectionId);
                return status(200);
            }
            default -> {
                onMessage(connectionId, event.getBody());
                return status(200);
            }
        }
    }

    /** The caller's {@code sub} as the authorizer put it in the request context. */
    static Optional<String> caller(Map<String, Object> authorizer) {
        if (authorizer == null) {
            return Optional.empty();
        }
        Object sub = authorizer.get("sub");
        if (sub == null) {
            sub = authorizer.get("principalId");
        }
        return sub instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    void onMessage(String connectionId, String body) {
        try {
            ClientAction action = LiveJson.parse(body);
            if (action instanceof ClientAction.Subscribe s) {
                subscribe(connectionId, s.marketIds());
            } else if (action instanceof ClientAction.Unsubscribe u) {
                unsubscribe(connectionId, u.marketIds());
            } else if (action instanceof ClientAction.Resume r) {
                resume(connectionId, r.marketId(), r.sequence());
            } else {
                send(connectionId, LiveJson.heartbeat(clock.instant()));
            }
        } catch (ApiError e) {
            send(connectionId, LiveJson.error(e));
        } catch (RuntimeException e) {
            ObjectNode line = log.line("ERROR", null, "live message failed");
            line.put("error", String.valueOf(e));
            log.write(line);
            send(connectionId, LiveJson.error(new ApiError(ErrorCode.INTERNAL_ERROR, "the message could not be handled; send it again")));
        }
    }

    private void send(String connectionId, String message) {
        if (sender.send(connectionId, message) == LiveSender.Delivery.GONE) {
            store.disconnect(connectionId);
        }
    }

    private LiveStore.Connection connection(String connectionId) {
        return store.connection(connectionId, limit)
                .orElseThrow(() -> new ApiError(ErrorCode.UNAUTHENTICATED, "this connection is not open; connect again"));
    }

    /** Adds the subscriptions; refused as a whole past the limit. */
    private boolean register(String connectionId, List<String> ids) {
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            LiveStore.Connection c = connection(connectionId);
            Subscriptions.Outcome o = c.subscriptions().subscribe(ids);
            if (o instanceof Subscriptions.Outcome.OverLimit over) {
                ObjectNode d = Json.object();
                d.put("limit", over.limit());
                d.put("wouldHold", over.wouldHold());
                throw new ApiError(ErrorCode.SUBSCRIPTION_LIMIT,
                        "a connection may watch at most " + over.limit() + " markets; unsubscribe some first", d);
            }
            Subscriptions.Outcome.Subscribed ok = (Subscriptions.Outcome.Subscribed) o;
            if (ok.added().isEmpty() || store.saveSubscriptions(c, ok.after(), ok.added(), List.of())) {
                return true;
            }
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the subscriptions changed concurrently; send it again");
    }

    private void subscribe(String connectionId, List<String> requested) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(requested));
        register(connectionId, ids);
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            long sequence = store.sequence(id);
            Optional<Market> m = markets.market(id);
            if (m.isEmpty()) {
                missing.add(id);
            } else {
                send(connectionId, LiveJson.message(MarketChanges.snapshot(m.get(), sequence)));
            }
        }
        notFound(connectionId, missing);
    }

    private void notFound(String connectionId, List<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        unsubscribe(connectionId, missing);
        ObjectNode d = Json.object();
        var arr = d.putArray("marketIds");
        missing.forEach(arr::add);
        throw new ApiError(ErrorCode.MARKET_NOT_FOUND, "no such market", d);
    }

    private void unsubscribe(String connectionId, List<String> ids) {
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            LiveStore.Connection c = connection(connectionId);
            List<String> removed = ids.stream().distinct().filter(c.subscriptions()::contains).toList();
            if (removed.isEmpty() || store.saveSubscriptions(c, c.subscriptions().unsubscribe(removed), List.of(), removed)) {
                return;
            }
        }
        throw new ApiError(ErrorCode.SERVICE_UNAVAILABLE, "the subscriptions changed concurrently; send it again");
    }

    /** Subscribes (if not yet) and sends the changes after {@code sequence}, or a snapshot marked not resumed. */
    private void resume(String connectionId, String marketId, long sequence) {
        register(connectionId, List.of(marketId));
        long current = store.sequence(marketId);
        List<LiveStore.Held> held = sequence < current
                ? store.held(marketId, sequence, Resume.BUFFER, clock.instant()) : List.of();
        Resume.Plan<LiveStore.Held> plan = Resume.plan(sequence, current, held, LiveStore.Held::sequence, Resume.BUFFER);
        if (plan instanceof Resume.Plan.Replay<LiveStore.Held> replay) {
            if (current > 0 || markets.market(marketId).isPresent()) {
                replay.changes().forEach(h -> send(connectionId, h.message()));
                return;
            }
        }
        Optional<Market> m = markets.market(marketId);
        if (m.isEmpty()) {
            notFound(connectionId, List.of(marketId));
            return;
        }
        LiveChange.Snapshot s = MarketChanges.snapshot(m.get(), current).notResumed();
        send(connectionId, LiveJson.message(s));
    }
}
