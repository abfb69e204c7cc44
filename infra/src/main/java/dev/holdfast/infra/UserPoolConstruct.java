package dev.holdfast.infra;

import dev.holdfast.resources.Access;
import dev.holdfast.resources.Naming;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Lazy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.CognitoDomainOptions;
import software.amazon.awscdk.services.cognito.OAuthFlows;
import software.amazon.awscdk.services.cognito.OAuthScope;
import software.amazon.awscdk.services.cognito.OAuthSettings;
import software.amazon.awscdk.services.cognito.UserPoolClientIdentityProvider;
import software.amazon.awscdk.services.cognito.UserPoolDomain;
import software.amazon.awscdk.services.cognito.UserPoolDomainOptions;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.cognito.MfaSecondFactor;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.amazon.awscdk.services.cognito.UserPoolGroup;
import software.constructs.Construct;

import java.util.List;

/**
 * The Cognito user pool that issues the API's JWTs, its {@value #ADMIN_GROUP} group (the
 * handlers read {@code cognito:groups}) and the app client whose id is the tokens' audience.
 *
 * <p>No self sign-up: accounts are created by Holdfast's own signup flow (waiting room, then
 * identity verification), never directly against Cognito. There is no hosted UI, so the client
 * has OAuth switched off (CDK would otherwise enable implicit and code grants with a placeholder
 * callback URL) and signs in with SRP. The pool is RETAINed: deleting it
 * would delete every user and their {@code sub}, which the ledger and audit trail refer to.
 *
 * <p>The ops console (served at {@code /ops/} by the waiting page's distribution) signs operators
 * in through Cognito's hosted UI on the pool's own domain, with its own public app client: the
 * authorization code grant only (no implicit grant), PKCE (S256, which Cognito applies to every
 * public client that sends a challenge), one callback — the console's address — and short-lived
 * tokens. Its id is the second audience of the API's JWT authorizer; who may act is still decided
 * by the {@value #ADMIN_GROUP} group in the token, checked by every admin handler.
 *
 * <p>Sign-in needs a strong password ({@value #MIN_PASSWORD_LENGTH}+ characters of every class) and
 * a TOTP code: MFA is required, with an authenticator app (no SMS, which can be SIM-swapped). Cognito
 * asks each user to enroll at their first sign-in.
 */
public final class UserPoolConstruct extends Construct {
    /** The group whose members may call ADMIN routes; the name the handlers check. */
    public static final String ADMIN_GROUP = Access.ADMIN_GROUP;

    static final int MIN_PASSWORD_LENGTH = 12;

    private final UserPool pool;
    private final UserPoolClient client;
    private final UserPoolClient opsClient;
    private final UserPoolDomain domain;
    private String opsConsoleUrl;
    /** How long the ops console's access and id tokens live: an operator signs in again after it. */
    static final int OPS_TOKEN_HOURS = 1;

    public UserPoolConstruct(Construct scope, String id, String stage) {
        super(scope, id);
        String prefix = Naming.prefixFor(stage);
        pool = UserPool.Builder.create(this, "Pool")
                .userPoolName(prefix + "users")
                .selfSignUpEnabled(false)
                .passwordPolicy(PasswordPolicy.builder()
                        .minLength(MIN_PASSWORD_LENGTH)
                        .requireLowercase(true)
                        .requireUppercase(true)
                        .requireDigits(true)
                        .requireSymbols(true)
                        .tempPasswordValidity(Duration.days(3))
                        .build())
                .mfa(Mfa.REQUIRED)
                .mfaSecondFactor(MfaSecondFactor.builder().otp(true).sms(false).build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(pool, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-COG3")
                .reason("Threat protection (AdvancedSecurityMode ENFORCED) needs Cognito's Plus plan, billed per"
                        + " monthly active user, during surges of hundreds of thousands of signups; required TOTP MFA"
                        + " and strong passwords cover credential stuffing. A business decision to revisit, not a default")
                .build()));
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

        // the hosted UI, for the ops console
        domain = pool.addDomain("Domain", UserPoolDomainOptions.builder()
                .cognitoDomain(CognitoDomainOptions.builder()
                        .domainPrefix(prefix + "ops-" + Stack.of(this).getAccount())
                        .build())
                .build());
        String consoleUrl = Lazy.string(() -> {
            if (opsConsoleUrl == null) {
                throw new IllegalStateException("the ops console's URL was never set (opsConsoleAt)");
            }
            return opsConsoleUrl;
        });
        opsClient = pool.addClient("OpsConsole", UserPoolClientOptions.builder()
                .userPoolClientName(prefix + "ops-console")
                .generateSecret(false)
                .authFlows(AuthFlow.builder().build())
                .oAuth(OAuthSettings.builder()
                        .flows(OAuthFlows.builder().authorizationCodeGrant(true).implicitCodeGrant(false).build())
                        .scopes(List.of(OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE))
                        .callbackUrls(List.of(consoleUrl))
                        .logoutUrls(List.of(consoleUrl))
                        .build())
                .supportedIdentityProviders(List.of(UserPoolClientIdentityProvider.COGNITO))
                .preventUserExistenceErrors(true)
                .accessTokenValidity(Duration.hours(OPS_TOKEN_HOURS))
                .idTokenValidity(Duration.hours(OPS_TOKEN_HOURS))
                .refreshTokenValidity(Duration.hours(8))
                .build());
    }

    /** Where the ops console lives ({@code https://<distribution>/ops/}): its client's one callback. */
    public void opsConsoleAt(String url) {
        this.opsConsoleUrl = url;
    }

    /** The ops console's app client (hosted UI, code grant with PKCE). */
    public UserPoolClient opsClient() {
        return opsClient;
    }

    /** The hosted UI's base URL, {@code https://<prefix>.auth.<region>.amazoncognito.com}. */
    public String hostedUiUrl() {
        return domain.baseUrl();
    }

    /** Every app client whose tokens the API accepts (the JWT authorizer's audience). */
    public List<String> audiences() {
        return List.of(client.getUserPoolClientId(), opsClient.getUserPoolClientId());
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
