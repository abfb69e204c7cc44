package dev.holdfast.runtime;

import java.time.Clock;

/**
 * Everything a handler needs from the world it runs in: SDK clients, resource names and a clock.
 * In Lambda it is built once per container from the environment ({@link #fromEnvironment()});
 * the local environment and tests build their own.
 */
public record Deployment(AwsClients clients, ResourceNames names, Clock clock) {

    private static final class FromEnvironment {
        static final Deployment INSTANCE = new Deployment(AwsClients.fromEnvironment(),
                ResourceNames.fromEnvironment(System.getenv()), Clock.systemUTC());
    }

    /** The container's deployment, built on first use and then shared. */
    public static Deployment fromEnvironment() {
        return FromEnvironment.INSTANCE;
    }
}
