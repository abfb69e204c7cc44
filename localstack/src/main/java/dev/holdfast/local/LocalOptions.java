package dev.holdfast.local;

import java.net.URI;
import java.nio.file.Path;

/**
 * What the local environment is started with.
 *
 * @param port          API port on 127.0.0.1 ({@code 0} picks a free one)
 * @param endpointsFile where to write the endpoints as JSON, or null
 * @param dataDir       folder that keeps DynamoDB data and the signing key across restarts, or null for memory
 * @param awsEndpoint   an external AWS-compatible endpoint (LocalStack) to use instead of starting
 *                      DynamoDB Local and ElasticMQ, or null
 * @param region        region the clients and events claim
 * @param retryDelaySeconds how soon a failed queue message comes back
 */
public record LocalOptions(int port, Path endpointsFile, Path dataDir, URI awsEndpoint, String region,
                           int retryDelaySeconds) {

    public static final int DEFAULT_PORT = 8080;

    public static LocalOptions defaults() {
        return new LocalOptions(DEFAULT_PORT, null, null, null, "us-east-1", 1);
    }

    public LocalOptions withPort(int p) {
        return new LocalOptions(p, endpointsFile, dataDir, awsEndpoint, region, retryDelaySeconds);
    }

    public LocalOptions withEndpointsFile(Path f) {
        return new LocalOptions(port, f, dataDir, awsEndpoint, region, retryDelaySeconds);
    }

    public LocalOptions withDataDir(Path d) {
        return new LocalOptions(port, endpointsFile, d, awsEndpoint, region, retryDelaySeconds);
    }

    public LocalOptions withAwsEndpoint(URI e) {
        return new LocalOptions(port, endpointsFile, dataDir, e, region, retryDelaySeconds);
    }

    public static final String USAGE = """
            usage: localstack/run [--port N] [--endpoints-file PATH] [--data-dir DIR] [--aws-endpoint URL]
              --port N              serve the API on 127.0.0.1:N (default 8080; 0 = any free port)
              --endpoints-file PATH write the endpoints as JSON to PATH
              --data-dir DIR        keep DynamoDB data and the signing key under DIR (default: in memory)
              --aws-endpoint URL    use this AWS-compatible endpoint (e.g. LocalStack, http://localhost:4566)
                                    instead of starting DynamoDB Local and ElasticMQ
            """;

    /** Parses command-line arguments; throws {@link IllegalArgumentException} with a message for bad ones. */
    public static LocalOptions parse(String[] args) {
        LocalOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--port" -> {
                    int p;
                    try {
                        p = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port must be a number, got " + v);
                    }
                    if (p < 0 || p > 65535) {
                        throw new IllegalArgumentException("--port must be 0..65535, got " + v);
                    }
                    o = o.withPort(p);
                }
                case "--endpoints-file" -> o = o.withEndpointsFile(Path.of(v));
                case "--data-dir" -> o = o.withDataDir(Path.of(v));
                case "--aws-endpoint" -> o = o.withAwsEndpoint(URI.create(v));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return o;
    }
}
