package dev.holdfast.infra;

import dev.holdfast.resources.Access;
import dev.holdfast.resources.Naming;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.amazon.awscdk.services.cognito.UserPoolGroup;
import software.constructs.Construct;

/**
 * The Cognito user pool that issues the API's JWTs, its {@value #ADMIN_GROUP} group (the
 * handlers read {@code cognito:groups}) and the app client whose id is the tokens' audience.
 *
 * <p>No self sign-up: accounts are created by Holdfast's own signup flow (waiting room, then
 * identity verification), never directly against Cognito. There is no hosted UI, so the client
 * has OAuth switched off (CDK would otherwise enable implicit and code grants with a placeholder
 * callback URL) and signs in with SRP. The pool is RETAINed: deleting it
 * would delete every user and their {@code sub}, which the ledger and audit trail refer to.
 */
public final class UserPoolConstruct extends Construct {
    /** The group whose members may call ADMIN routes; the name the handlers check. */
    public static final String ADMIN_GROUP = Access.ADMIN_GROUP;

    private final UserPool pool;
    private final UserPoolClient client;

    public UserPoolConstruct(Construct scope, String id, String stage) {
        super(scope, id);
        String prefix = Naming.prefixFor(stage);
        pool = UserPool.Builder.create(this, "Pool")
                .userPoolName(prefix + "users")
                .selfSignUpEnabled(false)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        UserPoolGroup.Builder.create(this, "AdminGroup")
                .userPool(pool)
                .groupName(ADMIN_GROUP)
                .description("May call the /admin routes")
                .build();
        client = pool.addClient("Client", UserPoolClientOptions.builder()
                .userPoolClientName(prefix + "api")
                .generateSecret(false)
                .disableOAuth(true)
                .authFlows(AuthFlow.builder().userSrp(true).build())
                .preventUserExistenceErrors(true)
                .build());
    }

    public UserPool pool() {
        return pool;
    }

    public UserPoolClient client() {
        return client;
    }

    /** The issuer ({@code iss}) of the pool's tokens: {@code https://cognito-idp.<region>.amazonaws.com/<poolId>}. */
    public String issuerUrl() {
        return pool.getUserPoolProviderUrl();
    }
}
