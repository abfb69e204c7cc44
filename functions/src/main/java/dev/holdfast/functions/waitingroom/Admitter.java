package dev.holdfast.functions.waitingroom;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.holdfast.persistence.Deployment;

import java.util.Map;

/** Advances cohorts' serving positions. Scaffold: the admission loop arrives with the waiting room. */
public final class Admitter implements RequestHandler<Map<String, Object>, Void> {
    public Admitter() {
        this(Deployment.fromEnvironment());
        // SnapStart priming: the tables' read path for now; add this function's stub work as it grows
        dev.holdfast.functions.runtime.Priming.register(dev.holdfast.resources.Functions.ADMITTER, Deployment.fromEnvironment(), () -> { });
    }

    public Admitter(Deployment deployment) {
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        return null;
    }
}
