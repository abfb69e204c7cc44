package dev.holdfast.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Environment;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stage and environment selection: no synth. */
class HoldfastAppTest {

    @Test
    void stageDefaultsToDevAndIsValidated() {
        assertEquals("dev", HoldfastApp.stage(null));
        assertEquals("prod", HoldfastApp.stage("prod"));
        assertThrows(IllegalArgumentException.class, () -> HoldfastApp.stage("Prod"));
        assertThrows(IllegalArgumentException.class, () -> HoldfastApp.stage("my-stage"));
    }

    @Test
    void localStageIsNeverDeployed() {
        assertThrows(IllegalArgumentException.class, () -> HoldfastApp.stage("local"));
    }

    @Test
    void environmentOnlyWhenTheCliSuppliesOne() {
        assertNull(HoldfastApp.environment(Map.of()));
        Environment env = HoldfastApp.environment(
                Map.of("CDK_DEFAULT_ACCOUNT", "123456789012", "CDK_DEFAULT_REGION", "eu-west-1"));
        assertEquals("123456789012", env.getAccount());
        assertEquals("eu-west-1", env.getRegion());
    }
}
