package dev.holdfast.functions.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Embedded Metric Format lines CloudWatch turns into metrics: one JSON object per line. */
class MetricsTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Metrics metrics = new Metrics("orders", new PrintStream(buf, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : buf.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                assertFalse(l.contains("\n"));
                out.add(Json.parse(l));
            }
        }
        return out;
    }

    @Test
    void aRejectedOrderIsOneLineWithFunctionAndCodeDimensions() throws Exception {
        metrics.ordersRejected("PRICE_STALE");
        List<JsonNode> lines = lines();
        assertEquals(1, lines.size());
        JsonNode n = lines.get(0);
        assertEquals(Instant.parse("2026-12-02T10:00:00Z").toEpochMilli(), n.path("_aws").path("Timestamp").asLong());
        JsonNode directive = n.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("Holdfast", directive.path("Namespace").asText());
        assertEquals("[[\"function\",\"stage\",\"code\"]]", Json.write(directive.path("Dimensions")));
        assertEquals("OrdersRejected", directive.path("Metrics").get(0).path("Name").asText());
        assertEquals("Count", directive.path("Metrics").get(0).path("Unit").asText());
        // every dimension and metric named in the directive is a member of the root object
        assertEquals("orders", n.path("function").asText());
        assertEquals("PRICE_STALE", n.path("code").asText());
        assertTrue(n.path("OrdersRejected").isIntegralNumber());
        assertEquals(1, n.path("OrdersRejected").asLong());
    }

    @Test
    void eachCatalogueMetricHasItsNameUnitAndOnlyTheFunctionDimension() throws Exception {
        metrics.ordersAccepted();
        metrics.priceAgeMs(1234);
        metrics.settledOrders(100);
        metrics.admittedPerSecond(12.5);
        List<JsonNode> lines = lines();
        String[][] expected = {{"OrdersAccepted", "Count", "1"}, {"PriceAgeMs", "Milliseconds", "1234"},
                {"SettledOrders", "Count", "100"}, {"AdmittedPerSecond", "Count/Second", "12.5"}};
        assertEquals(expected.length, lines.size());
        for (int i = 0; i < expected.length; i++) {
            JsonNode n = lines.get(i);
            JsonNode directive = n.path("_aws").path("CloudWatchMetrics").get(0);
            assertEquals("[[\"function\",\"stage\"]]", Json.write(directive.path("Dimensions")));
            assertEquals(expected[i][0], directive.path("Metrics").get(0).path("Name").asText());
            assertEquals(expected[i][1], directive.path("Metrics").get(0).path("Unit").asText());
            assertEquals(Double.parseDouble(expected[i][2]), n.path(expected[i][0]).asDouble());
        }
    }

    @Test
    void queueDepthCarriesTheQueueAsASecondDimension() throws Exception {
        metrics.queueDepth("feed", 42);
        JsonNode n = lines().get(0);
        assertEquals("[[\"function\",\"stage\",\"queue\"]]", Json.write(n.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions")));
        assertEquals("feed", n.path("queue").asText());
        assertEquals(42, n.path("QueueDepth").asLong());
    }

    @Test
    void nothingIsWrittenWhilePriming() throws Exception {
        Metrics.muted(() -> metrics.ordersRejected("VALIDATION_ERROR"));
        assertEquals(List.of(), lines());
        metrics.ordersAccepted();
        assertEquals(1, lines().size());
    }
}
