package dev.holdfast.local.testing;

import dev.holdfast.local.drill.DrillClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The drills' and benches' traffic in localstack's tests is checked against docs/openapi.yaml too
 * ({@link ContractCheck}, as {@link Api}'s is): registered for every test class, as {@link ZeroDrift}
 * is (here, not in the testkit's {@link SharedEnvironment}: the drills live in localstack).
 */
public final class DrillTrafficChecked implements BeforeAllCallback {
    static {
        DrillClient.observe(x -> ContractCheck.get().check(x));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // the registration is the class's loading
    }
}
