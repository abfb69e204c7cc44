package dev.holdfast.local.orders;

import dev.holdfast.local.LocalHoldfast;

import dev.holdfast.local.bench.OrderBench;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.functions.orders.OrdersApi;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Trading;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The order path's EMF metrics: one OrdersAccepted per commit, OrdersRejected by code, nothing for a replay. */
class OrderMetricsTest {

    @Test
    void acceptedAndRejectedOrdersAreCountedByCodeAndReplaysAreNot() throws Exception {
        LocalHoldfast env = SharedEnvironment.get();
        Trading trading = new Trading(env);
        JsonNode market = trading.openMarket();
        String sub = "metrics-" + UUID.randomUUID();
        trading.fundedUser(sub, "100000", "CASH");
        String body = Trading.orderBody(market, 0, "1000");
        String moved = body.replaceFirst("\"priceVersion\":\\d+", "\"priceVersion\":999999");

        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Integer> statuses = new ArrayList<>();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            OrdersApi orders = new OrdersApi(env.deployment()); // its Metrics writes to the captured stdout
            statuses.add(orders.handleRequest(OrderBench.event(sub, "k1", body), null).getStatusCode());
            statuses.add(orders.handleRequest(OrderBench.event(sub, "k1", body), null).getStatusCode()); // replay
            statuses.add(orders.handleRequest(OrderBench.event(sub, "k2", moved), null).getStatusCode());
            statuses.add(orders.handleRequest(OrderBench.event(sub, "k3", body.replace("\"1000\"", "\"-5\"")), null).getStatusCode());
        } finally {
            System.setOut(old);
        }
        assertEquals(List.of(201, 201, 409, 400), statuses);
        List<String> metrics = new ArrayList<>();
        for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"_aws\"")) {
                JsonNode n = Json.parse(line);
                if (n.path("function").asText().equals("orders")) {
                    String name = n.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").get(0).path("Name").asText();
                    metrics.add(name + (n.has("code") ? ":" + n.path("code").asText() : "") + "=" + n.path(name).asLong());
                }
            }
        }
        assertEquals(List.of("OrdersAccepted=1", "OrdersRejected:PRICE_CHANGED=1", "OrdersRejected:VALIDATION_ERROR=1"), metrics);
    }
}
