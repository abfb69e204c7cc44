package dev.holdfast.functions.runtime;

import dev.holdfast.persistence.PrimingWrites;
import dev.holdfast.runtime.Deployment;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.TableDef;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SnapStart priming for one handler: a CRaC {@code beforeCheckpoint} hook that runs, before Lambda
 * takes the snapshot of an initialized container, what the first real event would otherwise pay for:
 * <ol>
 *   <li>the SDK clients' first request — a {@code GetItem} of a key that never exists on every table
 *       the function may read (credentials, signing, endpoint rules, marshalling, the HTTP
 *       client's connection code) — and, for a function that writes, one {@code TransactWriteItems}
 *       whose only action is a condition check on that absent key: it is cancelled, so it writes
 *       nothing, but the transaction and cancellation-reason code paths are warm;</li>
 *   <li>the handler's own hot path on stub data, without side effects on real data: typically the
 *       handler invoked with a representative event whose answer is a read miss or a validation
 *       error, and its domain math on a stub (see each handler's {@code prime}).</li>
 * </ol>
 * Registered only from a handler's no-arg constructor — Lambda's path; the local environment and
 * tests build handlers through their {@code Deployment} constructors and never prime.
 *
 * <p><b>After restore</b> nothing needs refreshing: credentials are read from the environment on each
 * request, clocks are read per call, and priming creates no unique value (no ids, no seeds; its stub
 * requests carry fixed request ids). Pooled connections from priming are dead after restore; the
 * SDK retries such an I/O error once on a new connection. {@code afterRestore} only logs the restore.
 *
 * <p>Priming never fails a deployment: a failure is logged and the snapshot is taken anyway (the
 * function then simply starts less warm). Metrics are muted while it runs.
 */
public final class Priming implements Resource {
    /** A key value no item ever has: every priming read is a miss. */
    public static final String ABSENT_KEY = PrimingWrites.ABSENT_KEY;
    /** The caller of priming's stub HTTP events. */
    public static final String SUB = "snapstart-priming";

    /** Strong references: CRaC contexts may hold resources weakly. */
    private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();

    private final FunctionDef function;
    private final Deployment deployment;
    private final Runnable hotPath;
    private final JsonLog log;

    private Priming(FunctionDef function, Deployment deployment, Runnable hotPath) {
        this.function = function;
        this.deployment = deployment;
        this.hotPath = hotPath;
        this.log = new JsonLog("snapstart");
    }

    /**
     * Registers the priming of {@code function} with the global CRaC context: call it from the
     * handler's no-arg constructor, after the handler is built.
     *
     * @param hotPath the handler's stub work, side-effect free on real data
     */
    public static void register(FunctionDef function, Deployment deployment, Runnable hotPath) {
        Priming p = new Priming(function, deployment, hotPath);
        REGISTERED.add(p);
        Core.getGlobalContext().register(p);
    }

    /** Runs every registered priming now (what the checkpoint does; the cold-start bench uses it). */
    public static int primeAll() {
        REGISTERED.forEach(Priming::prime);
        return REGISTERED.size();
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        Invocation.restored();
        ObjectNode line = log.line("INFO", null, "restored from snapshot");
        line.put("function", function.id());
        log.write(line);
    }

    void prime() {
        long started = System.nanoTime();
        List<String> failed = new ArrayList<>();
        Metrics.muted(() -> {
            for (TableDef table : tables()) {
                try {
                    readMiss(table);
                } catch (RuntimeException e) {
                    failed.add(table.id() + ": " + e);
                }
            }
            if (!function.writes().isEmpty()) {
                try {
                    cancelledTransaction(function.writes().get(0));
                } catch (RuntimeException e) {
                    failed.add("transaction: " + e);
                }
            }
            try {
                hotPath.run();
            } catch (RuntimeException e) {
                failed.add("hot path: " + e);
            }
        });
        ObjectNode line = log.line(failed.isEmpty() ? "INFO" : "WARN", null, "primed for snapshot");
        line.put("function", function.id());
        line.put("durationMs", (System.nanoTime() - started) / 1_000_000);
        if (!failed.isEmpty()) {
            line.put("failures", String.join("; ", failed));
        }
        log.write(line);
    }

    /**
     * A stub API Gateway (payload 2.0) event for {@code routeKey}, from {@link #SUB} in the admin
     * group, with a fixed request id: {@code Priming.http("GET /orders/{orderId}").path("orderId", ABSENT_KEY).event()}.
     */
    /** A stub OPEN market with one priced selection, for priming decisions (never stored). */
    public static dev.holdfast.domain.market.Market openMarket(String marketId, String eventId, String selectionId,
                                                               String odds, java.time.Instant now) {
        return new dev.holdfast.domain.market.Market(marketId, eventId, "priming", dev.holdfast.domain.market.MarketState.OPEN,
                null, List.of(new dev.holdfast.domain.market.Selection(selectionId, "priming")),
                new dev.holdfast.domain.market.FeedMapping("priming", marketId, java.util.Map.of("1", selectionId)),
                dev.holdfast.domain.pricing.MarginPolicy.DEFAULT, dev.holdfast.domain.pricing.ExposureSignal.NONE,
                java.util.Optional.of(new dev.holdfast.domain.market.CurrentPrice(1,
                        java.util.Map.of(selectionId, dev.holdfast.domain.pricing.Odds.parse(odds)), now, now, now)),
                1, 1, now);
    }

    public static StubRequest http(String routeKey) {
        return new StubRequest(routeKey);
    }

    /** A stub HTTP event under construction. */
    public static final class StubRequest {
        private final String routeKey;
        private final Map<String, String> path = new HashMap<>();
        private final Map<String, String> query = new HashMap<>();
        private final Map<String, String> headers = new HashMap<>();
        private String body;

        private StubRequest(String routeKey) {
            this.routeKey = routeKey;
        }

        public StubRequest path(String name, String value) {
            path.put(name, value);
            return this;
        }

        public StubRequest query(String name, String value) {
            query.put(name, value);
            return this;
        }

        public StubRequest header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public StubRequest body(String json) {
            body = json;
            headers.put("content-type", "application/json");
            return this;
        }

        public APIGatewayV2HTTPEvent event() {
            String method = routeKey.substring(0, routeKey.indexOf(' '));
            String rawPath = routeKey.substring(routeKey.indexOf(' ') + 1);
            for (Map.Entry<String, String> p : path.entrySet()) {
                rawPath = rawPath.replace("{" + p.getKey() + "}", p.getValue());
            }
            Map<String, String> claims = Map.of("sub", SUB, "cognito:groups", "[admin]");
            return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey(routeKey).withRawPath(rawPath)
                    .withPathParameters(path).withQueryStringParameters(query).withHeaders(headers).withBody(body)
                    .withIsBase64Encoded(false)
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("snapstart-priming")
                            .withRouteKey(routeKey)
                            .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                            .withClaims(claims).build()).build())
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method)
                                    .withPath(rawPath).withSourceIp("127.0.0.1").build())
                            .build())
                    .build();
        }
    }

    private Set<TableDef> tables() {
        Set<TableDef> all = new LinkedHashSet<>(function.reads());
        all.addAll(function.writes());
        return all;
    }

    private void readMiss(TableDef table) {
        String name = tableName(table);
        if (name != null) {
            PrimingWrites.readMiss(deployment, table);
        }
    }

    /** A transaction that can only be cancelled: its one action checks that the absent key exists. */
    private void cancelledTransaction(TableDef table) {
        if (tableName(table) != null) {
            PrimingWrites.cancelled(deployment, table, List.of());
        }
    }

    private String tableName(TableDef table) {
        try {
            return deployment.names().table(table);
        } catch (IllegalStateException notGiven) {
            return null;
        }
    }
}
