package dev.holdfast.local.faithful;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.Tables;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded environment in the AWS-faithful mode: the functions reach DynamoDB through the proxy. */
class FaithfulEnvironmentTest {

    @Test
    void optionsParseTheFaithfulFlags() {
        LocalOptions o = LocalOptions.parse(new String[]{"--aws-faithful", "--dilation", "10", "--hold-ms", "4"});
        assertTrue(o.awsFaithful());
        assertEquals(10.0, o.dilation());
        assertEquals(4, o.holdMillis());
        LocalOptions d = LocalOptions.parse(new String[]{"--aws-faithful"});
        assertEquals(25.0, d.dilation());
        assertEquals(10, d.holdMillis());
        assertFalse(LocalOptions.parse(new String[0]).awsFaithful());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LocalOptions.parse(new String[]{"--dilation", "0"}));
    }

    @Test
    void theServedFunctionsGoThroughTheFaithfulProxy() throws Exception {
        try (LocalHoldfast env = LocalHoldfast.startFaithful(25, 10)) {
            FaithfulDynamo proxy = env.faithful().orElseThrow();
            assertEquals(25.0, proxy.settings().dilation());
            assertEquals(250_000_000L, proxy.settings().holdNanos());

            JsonNode endpoints = env.endpoints();
            assertTrue(endpoints.path("awsFaithful").asBoolean());
            assertEquals(25.0, endpoints.path("dilation").asDouble());
            assertEquals(proxy.endpoint().toString(), endpoints.path("dynamodbEndpoint").asText());
            assertNotEquals(endpoints.path("dynamodbEndpoint").asText(), endpoints.path("dynamodbDirectEndpoint").asText());

            proxy.meter().reset();
            HttpResponse<String> status = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(env.apiBaseUrl() + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(proxy.meter().snapshot().totalRequests() > 0, "GET /status read DynamoDB through the proxy");

            String platform = env.deployment().names().table(Tables.PLATFORM);
            long before = proxy.meter().snapshot().requests("GetItem");
            env.deployment().clients().dynamo().getItem(g -> g.tableName(platform)
                    .key(Map.of("pk", dev.holdfast.local.faithful.FaithfulFixture.s("x"), "sk", FaithfulFixture.s("y"))));
            assertTrue(proxy.meter().snapshot().requests("GetItem") >= before + 1, "the deployment's client goes through the proxy");
        }
        // the suite's shared environment is not faithful
        LocalHoldfast plain = dev.holdfast.local.testing.SharedEnvironment.get();
        assertTrue(plain.faithful().isEmpty());
        assertFalse(plain.endpoints().path("awsFaithful").asBoolean());
    }
}
