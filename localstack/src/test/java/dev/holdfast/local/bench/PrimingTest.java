package dev.holdfast.local.bench;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart priming as Lambda runs it: every handler built through its no-arg constructor in a fresh
 * JVM holding only the functions jar, configured from environment variables, then every registered
 * {@code beforeCheckpoint} hook run. Priming must succeed for every function and write nothing.
 */
class PrimingTest {
    static final Path FUNCTIONS_JAR = Path.of("..").resolve(ColdStartBench.FUNCTIONS_JAR);

    @Test
    void everyFunctionPrimesWithoutFailuresAndWithoutWritingAnything() throws Exception {
        Triggers.TriggerSet none = new Triggers.TriggerSet(List.of(), List.of(), List.of()); // nothing else writes
        Path runner = ColdStartBench.runnerClasses();
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), none)) {
            Map<String, Set<Map<String, AttributeValue>>> before = everyItem(env);

            Map<String, String> vars = ColdStartBench.lambdaEnvironment(env, new LinkedHashSet<>(Tables.ALL), Queues.ALL);
            vars.putAll(ColdStartBench.functionSettings(env)); // the signing secret only by ARN: priming must never fetch it
            String handlers = Functions.ALL.stream().map(FunctionDef::handlerClass).collect(Collectors.joining(","));
            ColdStartBench.Launch launch = ColdStartBench.launch(
                    new ColdStartBench.Target("all", handlers, FUNCTIONS_JAR, vars, List.of("none")),
                    runner, ColdStartBench.LAMBDA_FLAGS, true);

            List<String> primed = launch.output().stream().filter(l -> l.contains("\"primed for snapshot\"")).toList();
            assertEquals(Functions.ALL.size(), primed.size(), String.join("\n", launch.output()));
            assertEquals(List.of(), primed.stream().filter(l -> !l.contains("\"level\":\"INFO\"")).toList(),
                    "priming failed somewhere");
            assertEquals(List.of(), launch.output().stream().filter(l -> l.contains("\"_aws\"")).toList(),
                    "priming emitted metrics");
            assertEquals(before, everyItem(env), "priming wrote to a table");
        } finally {
            ColdStartBench.deleteTree(runner);
        }
    }

    private static Map<String, Set<Map<String, AttributeValue>>> everyItem(LocalHoldfast env) {
        Map<String, Set<Map<String, AttributeValue>>> out = new LinkedHashMap<>();
        for (TableDef t : Tables.ALL) {
            String name = env.deployment().names().table(t);
            Set<Map<String, AttributeValue>> items = new HashSet<>();
            env.deployment().clients().dynamo().scanPaginator(b -> b.tableName(name).consistentRead(true))
                    .items().forEach(items::add);
            out.put(t.id(), items);
        }
        assertTrue(out.values().stream().anyMatch(s -> !s.isEmpty()) || true);
        return out;
    }
}
