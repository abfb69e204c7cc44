package dev.holdfast.local.platform;

import dev.holdfast.local.LocalHoldfast;

import dev.holdfast.local.testing.SharedEnvironment;

/** The platform slice against the embedded environment (DynamoDB Local + ElasticMQ). */
class EmbeddedPlatformSliceTest extends PlatformSliceContract {
    @Override
    protected LocalHoldfast environment() {
        return SharedEnvironment.get();
    }
}
