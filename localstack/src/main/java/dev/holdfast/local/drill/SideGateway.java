package dev.holdfast.local.drill;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.local.FunctionHost;
import dev.holdfast.local.LocalApiGateway;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.resources.FunctionDef;

import java.util.List;

/**
 * A second API gateway on the same environment whose functions run on another {@link Deployment}
 * — one whose DynamoDB client is degraded by fault interceptors, or whose clock is skewed — as the
 * containers of one function would be during an incident. Same routes, same token checks (the
 * environment's signing key), same tables; only the hosting differs. Closing it stops the gateway
 * and that deployment's clients.
 */
final class SideGateway implements AutoCloseable {
    private final Deployment deployment;
    private final LocalApiGateway gateway;

    SideGateway(LocalHoldfast env, Deployment deployment, List<FunctionDef> warm) throws java.io.IOException {
        this.deployment = deployment;
        FunctionHost host = new FunctionHost(deployment);
        host.warm(warm);
        this.gateway = new LocalApiGateway(host, env.jwt(), deployment.clock(), "127.0.0.1", 0);
        gateway.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    @Override
    public void close() {
        gateway.stop();
        deployment.clients().dynamo().close();
        deployment.clients().sqs().close();
    }
}
