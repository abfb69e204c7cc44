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

    public ApiStack(Construct scope, String id, StackProps props, String stage, DataStack data, Code code) {
        super(scope, id, props);
        // Exports/imports, said explicitly: CloudFormation then refuses to delete or replace a
        // table or queue this stack still uses, which is the point for money and audit data.
        CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
        FunctionsConstruct functions = new FunctionsConstruct(this, "Functions", data, code, Functions.ALL);
        new TriggersConstruct(this, "Triggers", data, functions,
                Triggers.QUEUES, Triggers.STREAMS, Triggers.SCHEDULES);
        UserPoolConstruct users = new UserPoolConstruct(this, "Users", stage);
        HttpApiConstruct api = new HttpApiConstruct(this, "HttpApi", stage, functions, users,
                Routes.deployed(), Routes.DEFAULT_FUNCTION);

        CfnOutput.Builder.create(this, "ApiUrl").value(api.url()).description("HTTP API base URL").build();
        CfnOutput.Builder.create(this, "UserPoolId").value(users.pool().getUserPoolId()).build();
        CfnOutput.Builder.create(this, "UserPoolClientId").value(users.client().getUserPoolClientId()).build();
    }
}
