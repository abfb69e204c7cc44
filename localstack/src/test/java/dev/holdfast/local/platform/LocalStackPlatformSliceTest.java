package dev.holdfast.local.platform;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.local.testing.ZeroDrift;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The same platform slice with LocalStack behind the local API gateway instead of DynamoDB Local
 * and ElasticMQ. Runs where Docker exists; reported as skipped where it does not.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackPlatformSliceTest extends PlatformSliceContract {
    static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4");

    private static LocalStackContainer localstack;
    private static LocalHoldfast env;

    @BeforeAll
    static void start() throws Exception {
        localstack = new LocalStackContainer(IMAGE).withServices("dynamodb", "sqs");
        localstack.start();
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0).withAwsEndpoint(localstack.getEndpoint()));
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            try {
                ZeroDrift.assertZero(env, "LocalStackPlatformSliceTest");
            } finally {
                env.close();
            }
        }
        if (localstack != null) {
            localstack.stop();
        }
    }

    @Override
    protected LocalHoldfast environment() {
        return env;
    }
}
