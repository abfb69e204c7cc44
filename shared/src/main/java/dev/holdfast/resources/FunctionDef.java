package dev.holdfast.resources;

import java.util.List;

/**
 * One Lambda function: its handler class (loaded by name, so this module never depends on the
 * handlers), its size, and the tables and queues it may touch. The CDK app grants exactly these and
 * passes their names in environment variables; the local environment builds the same handler
 * class and hands it the same names.
 *
 * @param id             short name; also the CDK construct id
 * @param handlerClass   fully qualified class implementing the Lambda {@code RequestHandler}
 * @param memoryMb       memory size
 * @param timeoutSeconds timeout
 * @param reads          tables it reads
 * @param writes         tables it writes (implies read)
 * @param sendsTo        queues it sends to
 */
public record FunctionDef(String id, String handlerClass, int memoryMb, int timeoutSeconds,
                          List<TableDef> reads, List<TableDef> writes, List<QueueDef> sendsTo) {

    public FunctionDef {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        sendsTo = List.copyOf(sendsTo);
    }

    /**
     * Environment variable through which a deployed function that manages this one (the pre-scaling
     * preparer) learns its physical name.
     */
    public String nameEnvVar() {
        return "HOLDFAST_FUNCTION_" + id.toUpperCase().replace('-', '_');
    }

    /** The Lambda handler string, {@code class::handleRequest}. */
    public String handler() {
        return handlerClass + "::handleRequest";
    }
}
