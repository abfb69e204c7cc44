package dev.holdfast.functions.signup;

import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.persistence.Deployment;
import dev.holdfast.resources.Functions;

import java.util.Map;

/** POST /signup and GET /signup/{id}. Scaffold: its routes arrive with the signup path. */
public final class SignupApi extends HttpFunction {
    public SignupApi() {
        this(Deployment.fromEnvironment(), System.getenv());
        // SnapStart priming: the tables' read path for now; add this function's stub work as it grows
        dev.holdfast.functions.runtime.Priming.register(dev.holdfast.resources.Functions.SIGNUP, Deployment.fromEnvironment(), () -> { });
    }

    public SignupApi(Deployment deployment, Map<String, String> environment) {
        super(Functions.SIGNUP);
    }
}
