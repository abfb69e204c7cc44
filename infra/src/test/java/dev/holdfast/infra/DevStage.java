package dev.holdfast.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The dev stage synthesized once per test JVM and shared by every template test class: each
 * jsii synth costs seconds, and the classes only read the templates.
 */
final class DevStage {
    static final String STAGE = "dev";

    private static HoldfastApp.Stacks stacks;
    private static Template api;
    private static Template data;

    private DevStage() {}

    static synchronized HoldfastApp.Stacks stacks() {
        if (stacks == null) {
            stacks = HoldfastApp.build(new App(), STAGE, null, PlaceholderCode.create());
        }
        return stacks;
    }

    static synchronized Template api() {
        if (api == null) {
            api = Template.fromStack(stacks().api());
        }
        return api;
    }

    static synchronized Template data() {
        if (data == null) {
            data = Template.fromStack(stacks().data());
        }
        return data;
    }
}
