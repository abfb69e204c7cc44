package dev.holdfast.functions.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;

import dev.holdfast.functions.runtime.Invocation;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/**
 * Structured logs: one JSON object per line on standard output (CloudWatch in AWS), always with
 * the request id so a line can be found from an {@code X-Request-Id} a user reports, a level, and —
 * inside a handler's {@link Invocation} — the Lambda request id ({@code awsRequestId}), the X-Ray
 * trace id ({@code traceId}), the cold-start flag ({@code coldStart}) and the {@code stage}. An error
 * line carries the exception's stack trace ({@link #error}). The local environment prints the same lines.
 */
public final class JsonLog {
    private final String logger;
    private final PrintStream out;

    public JsonLog(String logger) {
        this(logger, System.out);
    }

    JsonLog(String logger, PrintStream out) {
        this.logger = logger;
        this.out = out;
    }

    /** A log line under construction. */
    public ObjectNode line(String level, String requestId, String message) {
        ObjectNode n = Json.object();
        n.put("timestamp", Rfc3339.format(Instant.now()));
        n.put("level", level);
        n.put("logger", logger);
        n.put("requestId", requestId);
        n.put("message", message);
        Invocation.current().ifPresentOrElse(i -> {
            n.put("awsRequestId", i.awsRequestId());
            n.put("traceId", i.traceId());
            n.put("coldStart", i.coldStart());
            n.put("stage", i.stage());
        }, () -> n.put("stage", Invocation.processStage()));
        return n;
    }

    public void write(ObjectNode line) {
        out.println(Json.write(line));
    }

    public void info(String requestId, String message) {
        write(line("INFO", requestId, message));
    }

    /** An {@code ERROR} line with {@code e}'s class, message and stack trace (causes included). */
    public ObjectNode error(String requestId, String message, Throwable e) {
        ObjectNode n = line("ERROR", requestId, message);
        n.put("exception", e.toString());
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        n.put("stackTrace", trace.toString());
        return n;
    }
}
