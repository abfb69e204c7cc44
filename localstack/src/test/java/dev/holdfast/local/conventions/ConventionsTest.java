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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conventions every function follows: static Enhanced Client schemas, the URL-connection HTTP
 * client only, no classpath-scanning framework, handlers that serve exactly their routes, and a
 * domain that speaks no JSON in packages that depend only one way.
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
     * One mapping style in persistence: an item's static schema, its key builders and the static
     * {@code toItem}/{@code fromItem} that map it to and from the domain live together in the file
     * that declares the item ({@code *Item.java} or {@code *Items.java} under {@code persistence/});
     * stores and commit classes call them. So no other file of {@code shared} or {@code functions}
     * declares a {@code toItem}/{@code fromItem} or builds a {@code StaticTableSchema}, and no
     * separate {@code *Codec} class remains in persistence.
     */
    @Test
    void itemMappingLivesWithTheItemSchema() throws IOException {
        Pattern mappingDeclaration = Pattern.compile("[\\w>\\]]\\s+(toItem|fromItem)\\s*\\([^;{]*\\)\\s*\\{");
        Pattern codecClass = Pattern.compile("\\b(class|record|interface|enum)\\s+\\w*Codec\\b");
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("shared", "functions")) {
            Path src = ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    String rel = src.relativize(f).toString().replace('\\', '/');
                    String name = f.getFileName().toString();
                    boolean itemFile = rel.startsWith("dev/holdfast/persistence/")
                            && (name.endsWith("Item.java") || name.endsWith("Items.java"));
                    String code = codeOnly(Files.readString(f));
                    if (!itemFile && mappingDeclaration.matcher(code).find()) {
                        offenders.add(module + "/" + rel + " declares toItem/fromItem");
                    }
                    if (!itemFile && code.contains("StaticTableSchema")) {
                        offenders.add(module + "/" + rel + " uses StaticTableSchema");
                    }
                    if (rel.startsWith("dev/holdfast/persistence/") && codecClass.matcher(code).find()) {
                        offenders.add(module + "/" + rel + " declares a *Codec");
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "map items in the *Item/*Items file that declares their static schema");
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
        for (FunctionDef f : java.util.stream.Stream.concat(Functions.ALL.stream(), Functions.DEPLOY_HOOKS.stream()).toList()) {
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

    /**
     * The domain is plain Java: no Jackson, nothing of the API layer ({@code ApiError}, {@code Json},
     * {@code RequestBody}); parsing and contract errors live in {@code dev.holdfast.api} and the
     * handlers. References are read from the code itself (comments and string literals left out),
     * so a fully qualified name counts as much as an import.
     */
    @Test
    void domainImportsNoJsonAndNothingOfTheApi() throws IOException {
        List<String> offenders = new ArrayList<>();
        Path domain = ROOT.resolve("shared/src/main/java/dev/holdfast/domain");
        try (Stream<Path> files = Files.walk(domain)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String code = codeOnly(Files.readString(f));
                for (String forbidden : List.of("com.fasterxml", "dev.holdfast.api")) {
                    if (code.contains(forbidden)) {
                        offenders.add(domain.relativize(f) + " uses " + forbidden);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "parse and map JSON in dev.holdfast.api or the handlers, not in the domain");
    }

    /**
     * The top-level packages of {@code shared} and {@code functions} (api, domain, persistence,
     * resources, functions) depend one way only: no cycle, api and domain included.
     */
    @Test
    void topLevelPackagesFormNoCycle() throws IOException {
        Pattern reference = Pattern.compile("\\bdev\\.holdfast\\.([a-z]+)\\.");
        Map<String, Set<String>> uses = new TreeMap<>();
        for (String module : List.of("shared", "functions")) {
            Path src = ROOT.resolve(module).resolve("src/main/java/dev/holdfast");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String from = src.relativize(f).getName(0).toString();
                    Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
                    Matcher m = reference.matcher(codeOnly(Files.readString(f)));
                    while (m.find()) {
                        if (!m.group(1).equals(from)) {
                            to.add(m.group(1));
                        }
                    }
                }
            }
        }
        assertTrue(uses.containsKey("api") && uses.containsKey("domain"), uses.toString());
        assertTrue(!uses.get("domain").contains("api"), "domain -> api: " + uses);
        List<String> cycle = cycle(uses);
        assertEquals(List.of(), cycle, "package dependencies: " + uses);
    }

    /**
     * Every retry loop counts and pauses through {@code dev.holdfast.retry.Retry}: no other code of
     * {@code shared} or {@code functions} sleeps (the tick scheduler's fixed cadence aside) or counts
     * its own attempts.
     */
    @Test
    void retriesGoThroughTheOneHelper() throws IOException {
        Set<String> sleepers = Set.of("shared/src/main/java/dev/holdfast/retry/Retry.java",
                "functions/src/main/java/dev/holdfast/functions/schedule/Ticks.java");
        Pattern ownCount = Pattern.compile("for\\s*\\(\\s*int\\s+(attempt|attempts|tries|round|retry|retries)\\b");
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("shared", "functions")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    String name = ROOT.relativize(f).toString().replace('\\', '/');
                    String code = codeOnly(Files.readString(f));
                    if (code.contains("Thread.sleep") && !sleepers.contains(name)) {
                        offenders.add(name + " sleeps");
                    }
                    if (ownCount.matcher(code).find()) {
                        offenders.add(name + " counts its own attempts");
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "retry through dev.holdfast.retry.Retry");
    }

    /** A dependency cycle among the packages (as a path that returns to its start), or empty. */
    static List<String> cycle(Map<String, Set<String>> uses) {
        for (String start : uses.keySet()) {
            List<String> path = new ArrayList<>(List.of(start));
            if (reaches(uses, start, start, path, new TreeSet<>())) {
                return path;
            }
        }
        return List.of();
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String target, List<String> path, Set<String> seen) {
        for (String next : uses.getOrDefault(from, Set.of())) {
            path.add(next);
            if (next.equals(target) || (seen.add(next) && reaches(uses, next, target, path, seen))) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    @Test
    void cycleFinderFindsACycle() {
        assertEquals(List.of("api", "domain", "api"), cycle(new TreeMap<>(Map.of("api", Set.of("domain"), "domain", Set.of("api")))));
        assertEquals(List.of(), cycle(Map.of("api", Set.of("domain"), "domain", Set.of(), "persistence", Set.of("api", "domain"))));
    }

    /** Java source without its comments and string, text-block and character literals. */
    static String codeOnly(String java) {
        StringBuilder out = new StringBuilder(java.length());
        int i = 0;
        int n = java.length();
        while (i < n) {
            char c = java.charAt(i);
            if (java.startsWith("//", i)) {
                i = java.indexOf('\n', i);
                i = i < 0 ? n : i;
            } else if (java.startsWith("/*", i)) {
                int end = java.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (java.startsWith("\"\"\"", i)) {
                int end = java.indexOf("\"\"\"", i + 3);
                while (end > 0 && java.charAt(end - 1) == '\\') {
                    end = java.indexOf("\"\"\"", end + 1);
                }
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && java.charAt(j) != c) {
                    j += java.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n, j + 1);
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    @Test
    void codeOnlyLeavesOutCommentsAndLiterals() {
        assertEquals("import a.B; \nclass C { String s = \"\"; char q = ''; }\n",
                codeOnly("import a.B; // dev.holdfast.api\nclass C { String s = \"dev.holdfast.api.\\\"x\"; char q = '\\''; }\n/** com.fasterxml */"));
    }
}
