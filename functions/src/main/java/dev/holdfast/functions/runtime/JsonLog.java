package dev.holdfast.functions.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;

import java.io.PrintStream;
import java.time.Instant;

/**
 * Structured logs: one JSON object per line on standard output (CloudWatch in AWS), always with
 * the request id so a line can be found from an {@code X-Request-Id} a user reports.
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
        return n;
    }

    public void write(ObjectNode line) {
        out.println(Json.write(line));
    }

    public void info(String requestId, String message) {
        write(line("INFO", requestId, message));
    }
}
