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
 * @param awsFaithful   whether DynamoDB is reached through {@code FaithfulDynamo}: AWS's transaction
 *                      conflicts and partition limits applied (see README, "AWS-faithful mode")
 * @param dilation      F of the faithful mode: partition limits divided by it, transaction holds multiplied
 * @param holdMillis    H of the faithful mode: how long (AWS time) a transaction holds its items
 */
public record LocalOptions(int port, Path endpointsFile, Path dataDir, URI awsEndpoint, String region,
                           int retryDelaySeconds, boolean awsFaithful, double dilation, long holdMillis) {

    public static final double DEFAULT_DILATION = 25;
    public static final long DEFAULT_HOLD_MILLIS = 10;

    /** Options without the AWS-faithful mode. */
    public LocalOptions(int port, Path endpointsFile, Path dataDir, URI awsEndpoint, String region,
                        int retryDelaySeconds) {
        this(port, endpointsFile, dataDir, awsEndpoint, region, retryDelaySeconds, false, DEFAULT_DILATION,
                DEFAULT_HOLD_MILLIS);
    }

    public static final int DEFAULT_PORT = 8080;

    public static LocalOptions defaults() {
        return new LocalOptions(DEFAULT_PORT, null, null, null, "us-east-1", 1);
    }

    public LocalOptions withPort(int p) {
        return new LocalOptions(p, endpointsFile, dataDir, awsEndpoint, region, retryDelaySeconds, awsFaithful, dilation, holdMillis);
    }

    public LocalOptions withEndpointsFile(Path f) {
        return new LocalOptions(port, f, dataDir, awsEndpoint, region, retryDelaySeconds, awsFaithful, dilation, holdMillis);
    }

    public LocalOptions withDataDir(Path d) {
        return new LocalOptions(port, endpointsFile, d, awsEndpoint, region, retryDelaySeconds, awsFaithful, dilation, holdMillis);
    }

    public LocalOptions withAwsEndpoint(URI e) {
        return new LocalOptions(port, endpointsFile, dataDir, e, region, retryDelaySeconds, awsFaithful, dilation, holdMillis);
    }

    /** The AWS-faithful mode on (or off), with dilation F and hold H (AWS milliseconds). */
    public LocalOptions withAwsFaithful(boolean on, double f, long h) {
        if (!(f > 0)) {
            throw new IllegalArgumentException("--dilation must be > 0, got " + f);
        }
        if (h < 0) {
            throw new IllegalArgumentException("--hold-ms must be >= 0, got " + h);
        }
        return new LocalOptions(port, endpointsFile, dataDir, awsEndpoint, region, retryDelaySeconds, on, f, h);
    }

    public static final String USAGE = """
            usage: localstack/run [--port N] [--endpoints-file PATH] [--data-dir DIR] [--aws-endpoint URL]
                                  [--aws-faithful [--dilation F] [--hold-ms H]]
              --port N              serve the API on 127.0.0.1:N (default 8080; 0 = any free port)
              --endpoints-file PATH write the endpoints as JSON to PATH
              --data-dir DIR        keep DynamoDB data and the signing key under DIR (default: in memory)
              --aws-endpoint URL    use this AWS-compatible endpoint (e.g. LocalStack, http://localhost:4566)
                                    instead of starting DynamoDB Local and ElasticMQ
              --aws-faithful        DynamoDB with AWS's transaction conflicts and partition limits
                                    (README, "AWS-faithful mode")
              --dilation F          faithful mode: limits divided by F, holds multiplied by F (default 25)
              --hold-ms H           faithful mode: a transaction holds its items H ms, AWS time (default 10)
            """;

    /** Parses command-line arguments; throws {@link IllegalArgumentException} with a message for bad ones. */
    public static LocalOptions parse(String[] args) {
        LocalOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (a.equals("--aws-faithful")) {
                o = o.withAwsFaithful(true, o.dilation(), o.holdMillis());
                continue;
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
                case "--dilation" -> o = o.withAwsFaithful(o.awsFaithful(), number(a, v), o.holdMillis());
                case "--hold-ms" -> o = o.withAwsFaithful(o.awsFaithful(), o.dilation(), (long) number(a, v));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return o;
    }

    private static double number(String flag, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, got " + v);
        }
    }
}
