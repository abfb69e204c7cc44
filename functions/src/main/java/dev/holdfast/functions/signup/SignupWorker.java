package dev.holdfast.functions.signup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.holdfast.persistence.Deployment;

import java.util.List;
import java.util.Map;

/** Verifies signups and opens accounts. Scaffold: fails every message so none is lost until the worker arrives. */
public final class SignupWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {
    public SignupWorker() {
        this(Deployment.fromEnvironment(), System.getenv());
        // SnapStart priming: the tables' read path for now; add this function's stub work as it grows
        dev.holdfast.functions.runtime.Priming.register(dev.holdfast.resources.Functions.SIGNUP_WORKER, Deployment.fromEnvironment(), () -> { });
    }

    public SignupWorker(Deployment deployment, Map<String, String> environment) {
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return new SQSBatchResponse(event.getRecords().stream()
                .map(m -> new SQSBatchResponse.BatchItemFailure(m.getMessageId())).toList());
    }
}
