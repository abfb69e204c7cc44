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
 * @param timeScale     the one factor by which every queue's visibility timeout is scaled here
 *                      ({@code 1} = AWS's timing): a message whose handler failed, timed out or
 *                      crashed comes back after {@code ceil(visibilityTimeout × timeScale)} seconds
 *                      (at least 1: SQS counts whole seconds). Schedules run at their real periods.
 * @param bankUrl       a bank to pay withdrawals through instead of this environment's own stand-in
 *                      (a drill keeps its bank outside an environment it kills), or null
 * @param awsFaithful   whether DynamoDB is reached through {@code FaithfulDynamo}: AWS's transaction
 *                      conflicts and partition limits applied (see README, "AWS-faithful mode")
 * @param dilation      F of the faithful mode: partition limits divided by it, transaction holds multiplied
 * @param holdMillis    H of the faithful mode: how long (AWS time) a transaction holds its items
 * @param freezeLead    the change freeze's lead time before a surge, whole minutes, or {@code off};
 *                      null: the functions' default (30 minutes)
 * @param concurrency   how the function host limits concurrent invocations (Lambda's reserved
 *                      concurrency per function, scaled to this machine)
 */
public record LocalOptions(int port, Path endpointsFile, Path dataDir, URI awsEndpoint, String region,
                           double timeScale, String bankUrl, boolean awsFaithful, double dilation, long holdMillis,
                           String freezeLead, Concurrency concurrency) {

    public static final double DEFAULT_DILATION = 25;
    public static final long DEFAULT_HOLD_MILLIS = 10;

    /** Options without the AWS-faithful mode. */
    public LocalOptions(int port, Path endpointsFile, Path dataDir, URI awsEndpoint, String region,
                        double timeScale, String bankUrl) {
        this(port, endpointsFile, dataDir, awsEndpoint, region, timeScale, bankUrl, false, DEFAULT_DILATION,
                DEFAULT_HOLD_MILLIS, null, Concurrency.NONE);
    }

    public static final int DEFAULT_PORT = 8080;
    /** {@code ./localstack/run}'s default: AWS's timing. */
    public static final double AWS_TIME = 1.0;
    /**
     * What tests, drills and benches run with ({@link #defaults()}): every visibility timeout a
     * thirtieth of AWS's (settlement 48 s → 2 s, withdrawals and signups 54 s → 2 s, feed 30 s → 1 s),
     * the same order of events in a thirtieth of the time.
     */
    public static final double FAST_TIME = 1.0 / 30;

    public LocalOptions {
        if (!(timeScale > 0) || timeScale > 1) {
            throw new IllegalArgumentException("the time scale must be in (0, 1], got " + timeScale);
        }
        if (concurrency == null) {
            concurrency = Concurrency.NONE;
        }
    }

    /**
     * Lambda's concurrency limits here: every function's reserved concurrency and the account's limit
     * (the one sizing, {@link dev.holdfast.local.LocalBulkheads}), multiplied by {@code scale} and
     * rounded up (at least 1 each), so that limits sized for AWS bind on a laptop too (hundreds would
     * never bind on two cores). {@code bulkheads = false} drops every reservation: all functions share
     * one pool of the account's (scaled) size, as Lambda runs functions without reserved concurrency.
     * {@code limited = false} ({@link #NONE}, the default) applies no limit at all: tests burst past
     * AWS's figures on purpose (50 withdrawals of one account at once) to test business outcomes.
     */
    public record Concurrency(double scale, boolean bulkheads, boolean limited) {
        /** No concurrency limit (the default). */
        public static final Concurrency NONE = new Concurrency(1.0, true, false);
        /** AWS's numbers as they are. */
        public static final Concurrency AWS = new Concurrency(1.0, true);

        public Concurrency {
            if (!(scale > 0) || scale > 1) {
                throw new IllegalArgumentException("--concurrency-scale must be in (0, 1], got " + scale);
            }
        }

        /** Limits at {@code scale}, with or without bulkheads. */
        public Concurrency(double scale, boolean bulkheads) {
            this(scale, bulkheads, true);
        }

        /** {@code n} AWS slots here: {@code ceil(n × scale)}, at least 1. */
        public int scaled(int n) {
            return (int) Math.max(1, Math.ceil(n * scale - 1e-9));
        }
    }

    public LocalOptions withConcurrency(Concurrency c) {
        return new LocalOptions(port, endpointsFile, dataDir, awsEndpoint, region, timeScale, bankUrl, awsFaithful, dilation,
                holdMillis, freezeLead, c);
    }

    /** For tests and drills: a free-standing environment on port 8080 in memory, at {@link #FAST_TIME}. */
    public static LocalOptions defaults() {
        return new LocalOptions(DEFAULT_PORT, null, null, null, "us-east-1", FAST_TIME, null);
    }

    public LocalOptions withPort(int p) {
        return new LocalOptions(p, endpointsFile, dataDir, awsEndpoint, region, timeScale, bankUrl, awsFaithful, dilation, holdMillis, freezeLead, concurrency);
    }

    public LocalOptions withEndpointsFile(Path f) {
        return new LocalOptions(port, f, dataDir, awsEndpoint, region, timeScale, bankUrl, awsFaithful, dilation, holdMillis, freezeLead, concurrency);
    }

    public LocalOptions withDataDir(Path d) {
        return new LocalOptions(port, endpointsFile, d, awsEndpoint, region, timeScale, bankUrl, awsFaithful, dilation, holdMillis, freezeLead, concurrency);
    }

    public LocalOptions withAwsEndpoint(URI e) {
        return new LocalOptions(port, endpointsFile, dataDir, e, region, timeScale, bankUrl, awsFaithful, dilation, holdMillis, freezeLead, concurrency);
    }

    public LocalOptions withTimeScale(double s) {
        return new LocalOptions(port, endpointsFile, dataDir, awsEndpoint, region, s, bankUrl, awsFaithful, dilation, holdMillis, freezeLead, concurrency);
    }

    public LocalOptions withBankUrl(String u) {
        return new LocalOptions(port, endpointsFile, dataDir, awsEndpoint, region, timeScale, u, awsFaithful, dilation, holdMillis, freezeLead, concurrency);
    }

    /** The AWS-faithful mode on (or off), with dilation F and hold H (AWS milliseconds). */
    public LocalOptions withAwsFaithful(boolean on, double f, long h) {
        if (!(f > 0)) {
            throw new IllegalArgumentException("--dilation must be > 0, got " + f);
        }
        if (h < 0) {
            throw new IllegalArgumentException("--hold-ms must be >= 0, got " + h);
        }
        return new LocalOptions(port, endpointsFile, dataDir, awsEndpoint, region, timeScale, bankUrl, on, f, h, freezeLead, concurrency);
    }

    /** The change freeze's lead time ({@code minutes} or {@code off}; null: the default). */
    public LocalOptions withFreezeLead(String minutesOrOff) {
        return new LocalOptions(port, endpointsFile, dataDir, awsEndpoint, region, timeScale, bankUrl, awsFaithful, dilation,
                holdMillis, minutesOrOff, concurrency);
    }

    /** A queue's visibility timeout here: {@code seconds × timeScale}, rounded up, at least 1 s. */
    public int scaledSeconds(int seconds) {
        return (int) Math.max(1, Math.ceil(seconds * timeScale - 1e-9));
    }

    /**
     * Parses {@code ./localstack/run}'s arguments ({@link RunCommand}); throws {@link IllegalArgumentException}
     * with the problem for a bad one.
     */
    public static LocalOptions parse(String[] args) {
        RunCommand c = new RunCommand();
        Cli.parse(c, args);
        try {
            return c.options();
        } catch (picocli.CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
