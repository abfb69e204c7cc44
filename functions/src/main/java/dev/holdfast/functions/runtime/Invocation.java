package dev.holdfast.functions.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Naming;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What an on-call person needs to follow one invocation across log lines, metrics and traces: the
 * Lambda request id, the X-Ray trace id, whether this was the container's first (cold) invocation,
 * and the stage. Every handler opens one at the top of {@code handleRequest}
 * ({@code try (Invocation.Scope s = Invocation.begin(getClass(), context)) {…}}); the log and metric
 * writers ({@code JsonLog}, {@link Metrics}) put its fields on every line they write.
 *
 * <p>Per thread, because the local environment runs many invocations of many functions in one JVM at
 * once; in AWS a container runs one invocation at a time. Cold start is per function and process:
 * the first invocation of a function in this JVM (after a SnapStart restore: the first after
 * {@link #restored}). The trace id is the one Lambda gives the invocation ({@code Context.getXrayTraceId()},
 * else the Java runtime's {@code com.amazonaws.xray.traceHeader} property, else
 * {@code _X_AMZN_TRACE_ID}); the local environment makes one per invocation in X-Ray's format.
 */
public record Invocation(String function, String awsRequestId, String traceId, boolean coldStart, String stage) {
    /** The function's environment variable naming its stage (set by the CDK app; absent locally). */
    public static final String STAGE_VARIABLE = Naming.STAGE_VARIABLE;
    /** The stage of the local environment. */
    public static final String LOCAL_STAGE = Naming.LOCAL_STAGE;

    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();
    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();
    private static final String STAGE = stageFrom(System.getenv());

    /** The invocation running on this thread, if a handler opened one. */
    public static Optional<Invocation> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** This process's stage ({@value #STAGE_VARIABLE}, or {@value #LOCAL_STAGE}). */
    public static String processStage() {
        return STAGE;
    }

    static String stageFrom(Map<String, String> env) {
        String s = env.get(STAGE_VARIABLE);
        return s == null || s.isBlank() ? LOCAL_STAGE : s;
    }

    /** Opens the invocation of the function {@code handler} serves (its id in {@link Functions}). */
    public static Scope begin(Class<?> handler, Context context) {
        return begin(FUNCTION_IDS.getOrDefault(handler.getName(), handler.getSimpleName()), context);
    }

    private static final Map<String, String> FUNCTION_IDS = Functions.ALL.stream()
            .collect(Collectors.toUnmodifiableMap(FunctionDef::handlerClass, FunctionDef::id, (a, b) -> a));

    /** Opens the invocation of {@code function} on this thread until the scope closes. */
    public static Scope begin(String function, Context context) {
        Invocation previous = CURRENT.get();
        String requestId = context == null ? null : context.getAwsRequestId();
        CURRENT.set(new Invocation(function, requestId, traceId(context), STARTED.add(function), STAGE));
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /**
     * After a SnapStart restore: the priming invocations ran before the snapshot, so the next real
     * invocation of each function is the cold one again.
     */
    public static void restored() {
        STARTED.clear();
    }

    private static String traceId(Context context) {
        String fromContext = null;
        try {
            fromContext = context == null ? null : context.getXrayTraceId();
        } catch (RuntimeException | AbstractMethodError ignored) {
            // an older Context without it
        }
        if (fromContext != null && !fromContext.isBlank()) {
            return fromContext;
        }
        String property = System.getProperty("com.amazonaws.xray.traceHeader");
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv("_X_AMZN_TRACE_ID");
        return env == null || env.isBlank() ? null : env;
    }

    /** Closes the invocation; no checked exception. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
