package dev.holdfast.local.conventions;

import dev.holdfast.runtime.AwsClients;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.runtime.ResourceNames;
import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conventions every function follows: static Enhanced Client schemas, the URL-connection HTTP
 * client only, no classpath-scanning framework, and handlers that serve exactly their routes.
 */
class ConventionsTest {
    static final Path ROOT = Path.of("..");
    static final Path FUNCTIONS_JAR = ROOT.resolve("functions/target/holdfast-functions.jar");

    @Test
    void functionsJarHasOneHttpClientAndNoScanningFramework() throws IOException {
        assertTrue(Files.exists(FUNCTIONS_JAR), "build the functions module first: " + FUNCTIONS_JAR);
        List<String> forbidden = List.of("software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/apache5/",
                "software/amazon/awssdk/http/nio/netty/", "io/netty/", "org/apache/http/", "org/springframework/",
                "io/micronaut/", "io/quarkus/", "org/reflections/", "io/github/classgraph/", "org/joda/");
        List<String> found = new ArrayList<>();
        try (ZipFile jar = new ZipFile(FUNCTIONS_JAR.toFile())) {
            jar.stream().forEach(e -> forbidden.stream().filter(e.getName()::startsWith).forEach(found::add));
            assertTrue(jar.getEntry("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class") != null);
        }
        assertEquals(List.of(), found.stream().distinct().toList());
    }

    @Test
    void enhancedClientSchemasAreStatic() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("shared", "functions")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String s = Files.readString(f);
                    if (s.contains("TableSchema.fromBean") || s.contains("TableSchema.fromClass")
                            || s.contains("TableSchema.fromImmutableClass") || s.contains("@DynamoDbBean")
                            || s.contains("@DynamoDbImmutable")) {
                        offenders.add(f.toString());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "use StaticTableSchema builders");
    }

    /**
     * Handlers speak to persistence in named outcomes: no class under {@code functions/} touches the
     * DynamoDB model (attribute maps, transaction actions, cancellation reasons) — the persistence
     * classes build the transactions and decode what comes back. The one exception is
     * {@code risk/StreamImages}, the adapter from the Lambda event library's stream image type
     * ({@code com.amazonaws...dynamodb.AttributeValue}, which {@code shared/} does not depend on) to the
     * SDK's, which the persistence decoders ({@code OrderImage}, {@code MarketStore.fromAttributes}) read.
     */
    @Test
    void handlersUseNoDynamoDbModelTypes() throws IOException {
        Path root = ROOT.resolve("functions/src/main/java");
        Set<String> allowed = Set.of("dev/holdfast/functions/risk/StreamImages.java");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                if (!allowed.contains(rel) && Files.readString(f).contains("software.amazon.awssdk.services.dynamodb.model")) {
                    offenders.add(rel);
                }
            }
        }
        assertEquals(List.of(), offenders, "build and decode DynamoDB requests in a persistence class");
    }

    /**
     * Builds every handler as a Lambda container would — names for only the tables and queues its
     * definition grants (as the CDK app passes them), its settings — and checks that it starts and that
     * an HTTP function serves exactly its routes. A handler reaching for a resource it is not granted
     * fails here, not at its first cold start in AWS.
     */
    @Test
    void everyFunctionStartsWithOnlyItsGrantsAndServesExactlyItsRoutes() throws Exception {
        AwsClients offlineClients = AwsClients.forEndpoints(URI.create("http://127.0.0.1:9"),
                URI.create("http://127.0.0.1:9"), "us-east-1");
        Map<String, String> settings = Map.of("SIGNING_SECRET", "a-signing-secret-for-the-conventions-test-0123456789",
                "BANK_URL", "http://127.0.0.1:9", "VERIFIER_URL", "http://127.0.0.1:9");
        for (FunctionDef f : Functions.ALL) {
            Map<String, String> env = new java.util.HashMap<>(settings);
            java.util.stream.Stream.concat(f.reads().stream(), f.writes().stream())
                    .forEach(t -> env.put(t.envVar(), dev.holdfast.resources.Naming.tableName("local", t)));
            f.sendsTo().forEach(q -> env.put(q.envVar(), "http://127.0.0.1:9/queue/" + q.id()));
            Deployment granted = new Deployment(offlineClients, ResourceNames.fromEnvironment(env), Clock.systemUTC());
            Class<?> type = Class.forName(f.handlerClass());
            Object handler;
            try {
                handler = type.getConstructor(Deployment.class, Map.class).newInstance(granted, env);
            } catch (NoSuchMethodException plain) {
                handler = type.getConstructor(Deployment.class).newInstance(granted);
            }
            if (handler instanceof HttpFunction http) {
                Set<String> expected = new TreeSet<>();
                for (RouteDef r : Routes.ALL) {
                    if (r.function() == f) {
                        expected.add(r.routeKey());
                    }
                }
                assertEquals(expected, http.servedRouteKeys(), f.id());
            }
        }
    }
}
