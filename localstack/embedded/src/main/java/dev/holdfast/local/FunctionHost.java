package dev.holdfast.local;

import dev.holdfast.runtime.Deployment;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.holdfast.resources.FunctionDef;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the real handler classes as Lambda would: each function's class is instantiated once (as a
 * container would, here with the local {@link Deployment} instead of the environment) and invoked
 * with the real Lambda event classes. One instance serves concurrent invocations, so handlers must
 * be thread-safe, which stateless handlers over thread-safe SDK clients are.
 *
 * <p>How many invocations of a function run at once is Lambda's concurrency ({@link LambdaConcurrency}):
 * a synchronous caller over the limit is throttled ({@link #invokeOrThrottle}), an event source
 * waits for a slot ({@link #invoke}).
 */
public final class FunctionHost {
    private final Deployment deployment;
    private final Map<String, String> environment;
    private final LambdaConcurrency concurrency;
    private final Map<String, RequestHandler<Object, Object>> instances = new ConcurrentHashMap<>();

    /** Lambda's answer to a synchronous invocation over the function's concurrency ({@code TooManyRequestsException}). */
    public static final class Throttled extends RuntimeException {
        private final transient FunctionDef function;

        Throttled(FunctionDef function) {
            super("Rate Exceeded: " + function.id() + " is at its concurrency limit", null, false, false);
            this.function = function;
        }

        public FunctionDef function() {
            return function;
        }
    }

    public FunctionHost(Deployment deployment) {
        this(deployment, Map.of());
    }

    public FunctionHost(Deployment deployment, Map<String, String> environment) {
        this(deployment, environment, LambdaConcurrency.unlimited());
    }

    /**
     * @param environment the settings a deployed function gets as environment variables beyond
     *                    resource names (e.g. {@code BANK_URL}); handed to handlers that have a
     *                    {@code (Deployment, Map<String, String>)} constructor
     */
    public FunctionHost(Deployment deployment, Map<String, String> environment, LambdaConcurrency concurrency) {
        this.deployment = deployment;
        this.environment = Map.copyOf(environment);
        this.concurrency = concurrency;
    }

    /**
     * Invokes {@code function} with {@code event} under a fresh request id, as an event source does
     * (SQS, streams, schedules): waits for a free slot of the function's concurrency first.
     */
    public <I, O> O invoke(FunctionDef function, I event, String requestId) {
        try (LambdaConcurrency.Slot slot = concurrency.enter(function)) {
            return run(function, event, requestId);
        }
    }

    /**
     * Invokes {@code function} as a synchronous caller does (API Gateway): throws {@link Throttled}
     * at once, without running anything, when the function has no free slot.
     */
    public <I, O> O invokeOrThrottle(FunctionDef function, I event, String requestId) {
        try (LambdaConcurrency.Slot slot = concurrency.tryEnter(function).orElseThrow(() -> new Throttled(function))) {
            return run(function, event, requestId);
        }
    }

    /** The concurrency limits this host applies. */
    public LambdaConcurrency concurrency() {
        return concurrency;
    }

    @SuppressWarnings("unchecked")
    private <I, O> O run(FunctionDef function, I event, String requestId) {
        RequestHandler<Object, Object> handler = instances.computeIfAbsent(function.id(), id -> instantiate(function));
        LocalContext ctx = new LocalContext(requestId == null ? UUID.randomUUID().toString() : requestId,
                function.id(), function.memoryMb(), function.timeoutSeconds());
        return (O) handler.handleRequest(event, ctx);
    }

    /**
     * Serves {@code function} with an instance built by the environment (for handlers that talk to
     * something the environment itself provides, e.g. the local WebSocket server as the live functions'
     * sender); call it before {@link #warm}.
     */
    @SuppressWarnings("unchecked")
    public void provide(FunctionDef function, RequestHandler<?, ?> handler) {
        instances.put(function.id(), (RequestHandler<Object, Object>) handler);
    }

    /** Builds every function once, as containers do before their first event. */
    public void warm(Iterable<FunctionDef> functions) {
        for (FunctionDef f : functions) {
            instances.computeIfAbsent(f.id(), id -> instantiate(f));
        }
    }

    @SuppressWarnings("unchecked")
    private RequestHandler<Object, Object> instantiate(FunctionDef function) {
        try {
            Class<?> type = Class.forName(function.handlerClass());
            try {
                return (RequestHandler<Object, Object>) type.getConstructor(Deployment.class, Map.class)
                        .newInstance(deployment, environment);
            } catch (NoSuchMethodException plain) {
                return (RequestHandler<Object, Object>) type.getConstructor(Deployment.class).newInstance(deployment);
            }
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("handler " + function.handlerClass() + " failed to start", e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("handler " + function.handlerClass()
                    + " needs a public constructor taking a Deployment", e);
        }
    }
}
