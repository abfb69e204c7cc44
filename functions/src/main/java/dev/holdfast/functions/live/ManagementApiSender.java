package dev.holdfast.functions.live;

import dev.holdfast.domain.live.LiveSender;
import dev.holdfast.functions.provider.SignedAwsCall;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code PostToConnection} of the API Gateway Management API: {@code POST
 * <callbackUrl>/@connections/<connectionId>} signed with SigV4 for {@code execute-api}
 * ({@link SignedAwsCall}: the SDK's generated client for this API is not published for the SDK
 * version the project pins); {@code 410} is {@code GoneException}.
 */
public final class ManagementApiSender implements LiveSender {
    /** The WebSocket API's callback URL, {@code https://<api-id>.execute-api.<region>.amazonaws.com/<stage>}. */
    public static final String CALLBACK_URL_VARIABLE = "LIVE_CALLBACK_URL";

    private final URI callbackUrl;
    private final SignedAwsCall call;

    public ManagementApiSender(URI callbackUrl, String region, AwsCredentialsProvider credentials) {
        String u = callbackUrl.toString();
        this.callbackUrl = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        this.call = new SignedAwsCall("execute-api", region, credentials);
    }

    /** The sender of a Lambda container; without {@value #CALLBACK_URL_VARIABLE} every send fails. */
    public static LiveSender fromEnvironment(Map<String, String> env) {
        String url = env.get(CALLBACK_URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return (connectionId, message) -> {
                throw new IllegalStateException(CALLBACK_URL_VARIABLE + " is not set");
            };
        }
        return new ManagementApiSender(URI.create(url.trim()), env.getOrDefault("AWS_REGION", "us-east-1"),
                EnvironmentVariableCredentialsProvider.create());
    }

    private URI uri(String connectionId) {
        return URI.create(callbackUrl + "/@connections/" + URLEncoder.encode(connectionId, StandardCharsets.UTF_8));
    }

    @Override
    public Delivery send(String connectionId, String message) {
        int status = call.post(uri(connectionId), Map.of("Content-Type", "application/json"), message).status();
        if (status == 410) {
            return Delivery.GONE;
        }
        if (status / 100 != 2) {
            throw new IllegalStateException("PostToConnection answered " + status);
        }
        return Delivery.DELIVERED;
    }
}
