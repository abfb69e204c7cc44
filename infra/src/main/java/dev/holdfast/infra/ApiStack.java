package dev.holdfast.infra;

import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Routes;
import dev.holdfast.resources.Triggers;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CrossStackReferences;
import software.amazon.awscdk.ReferenceStrength;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * Everything that runs: the functions of {@link Functions#ALL}, their triggers, the Cognito user
 * pool and the HTTP API over {@link Routes#deployed()}. It refers to the {@link DataStack}'s tables
 * and queues through strong references (CloudFormation exports), so it deploys after it, can be
 * redeployed freely, and while it uses a table nothing can delete that table from under it. The
 * flip side: to stop using a table, deploy this stack first, then the data stack.
 */
public final class ApiStack extends Stack {
    /** Context key of the bank adapter's base URL ({@code cdk deploy -c bankUrl=https://…}). */
    public static final String BANK_URL_CONTEXT = "bankUrl";
    /** The worker's variable ({@code HttpBankTransfers.URL_VARIABLE}; infra does not link the functions' classes). */
    static final String BANK_URL_VARIABLE = "BANK_URL";
    /** Context key of the identity verifier's base URL ({@code cdk deploy -c verifierUrl=https://…}). */
    public static final String VERIFIER_URL_CONTEXT = "verifierUrl";
    /** The signup worker's variable ({@code HttpIdentityVerifier.URL_VARIABLE}). */
    static final String VERIFIER_URL_VARIABLE = "VERIFIER_URL";

    public ApiStack(Construct scope, String id, StackProps props, String stage, DataStack data, Code code) {
        super(scope, id, props);
        // Exports/imports, said explicitly: CloudFormation then refuses to delete or replace a
        // table or queue this stack still uses, which is the point for money and audit data.
        CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
        FunctionsConstruct functions = new FunctionsConstruct(this, "Functions", data, code, Functions.ALL,
                settings(getNode().tryGetContext(BANK_URL_CONTEXT), getNode().tryGetContext(VERIFIER_URL_CONTEXT)));
        new TriggersConstruct(this, "Triggers", data, functions,
                Triggers.QUEUES, Triggers.STREAMS, Triggers.SCHEDULES);
        UserPoolConstruct users = new UserPoolConstruct(this, "Users", stage);
        HttpApiConstruct api = new HttpApiConstruct(this, "HttpApi", stage, functions, users,
                Routes.deployed(), Routes.DEFAULT_FUNCTION);

        CfnOutput.Builder.create(this, "ApiUrl").value(api.url()).description("HTTP API base URL").build();
        CfnOutput.Builder.create(this, "UserPoolId").value(users.pool().getUserPoolId()).build();
        CfnOutput.Builder.create(this, "UserPoolClientId").value(users.client().getUserPoolClientId()).build();
    }

    /**
     * Function settings from context. Without {@code bankUrl} the withdrawal worker is deployed
     * without {@code BANK_URL}: it then pays nothing and every withdrawal stays PENDING with its cash
     * held (never lost, never paid twice) until the URL is configured.
     */
    static java.util.Map<dev.holdfast.resources.FunctionDef, java.util.Map<String, String>> settings(Object bankUrl) {
        return settings(bankUrl, null);
    }

    /**
     * As {@link #settings(Object)}, and {@code verifierUrl} for the signup worker. Without it the
     * worker verifies nothing: signups stay PENDING (none lost, none opened) until it is configured.
     */
    static java.util.Map<dev.holdfast.resources.FunctionDef, java.util.Map<String, String>> settings(Object bankUrl,
                                                                                                 Object verifierUrl) {
        java.util.Map<dev.holdfast.resources.FunctionDef, java.util.Map<String, String>> out = new java.util.HashMap<>();
        if (bankUrl != null && !bankUrl.toString().isBlank()) {
            out.put(Functions.WITHDRAWAL_WORKER, java.util.Map.of(BANK_URL_VARIABLE, bankUrl.toString()));
        }
        if (verifierUrl != null && !verifierUrl.toString().isBlank()) {
            out.put(Functions.SIGNUP_WORKER, java.util.Map.of(VERIFIER_URL_VARIABLE, verifierUrl.toString()));
        }
        return java.util.Map.copyOf(out);
    }
}
