package dev.holdfast.functions.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a Cognito access token as API Gateway's JWT authorizer does for the HTTP API: RS256
 * signature by a key of the user pool's JWKS (fetched once, again only for an unknown {@code kid}
 * and at most once a minute), {@code iss}, {@code token_use = access}, {@code client_id},
 * {@code exp} and {@code nbf}. WebSocket APIs have no JWT authorizer, so the live API's
 * {@code $connect} authorizer runs this.
 */
public final class CognitoTokens {
    /** {@code https://cognito-idp.<region>.amazonaws.com/<userPoolId>}. */
    public static final String ISSUER_VARIABLE = "USER_POOL_ISSUER";
    public static final String CLIENT_ID_VARIABLE = "USER_POOL_CLIENT_ID";

    private final String issuer;
    private final String clientId;
    private final Clock clock;
    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile long lastFetchMillis;

    public CognitoTokens(String issuer, String clientId, Clock clock) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.clock = clock;
    }

    /** The caller a valid token names. */
    public record Caller(String sub, List<String> groups) {}

    /** The caller, or empty for anything not a valid, current access token of this pool and client. */
    public Optional<Caller> verify(String token) {
        if (token == null || issuer == null || clientId == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = Json.parse(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
            JsonNode claims = Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            if (header == null || claims == null || !"RS256".equals(header.path("alg").asText())) {
                return Optional.empty();
            }
            PublicKey key = key(header.path("kid").asText());
            if (key == null) {
                return Optional.empty();
            }
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initVerify(key);
            sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!sig.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return Optional.empty();
            }
            long now = clock.instant().getEpochSecond();
            if (!issuer.equals(claims.path("iss").asText()) || !"access".equals(claims.path("token_use").asText())
                    || !clientId.equals(claims.path("client_id").asText())
                    || !claims.path("exp").canConvertToLong() || claims.path("exp").asLong() <= now
                    || (claims.has("nbf") && claims.path("nbf").asLong() > now)
                    || claims.path("sub").asText().isBlank()) {
                return Optional.empty();
            }
            List<String> groups = new ArrayList<>();
            claims.path("cognito:groups").forEach(g -> groups.add(g.asText()));
            return Optional.of(new Caller(claims.path("sub").asText(), List.copyOf(groups)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private PublicKey key(String kid) throws Exception {
        PublicKey k = keys.get(kid);
        if (k == null && System.currentTimeMillis() - lastFetchMillis > 60_000) {
            lastFetchMillis = System.currentTimeMillis();
            fetch();
            k = keys.get(kid);
        }
        return k;
    }

    private void fetch() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/jwks.json"))
                .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return;
        }
        for (JsonNode k : Json.parseTrusted(r.body()).path("keys")) {
            if ("RSA".equals(k.path("kty").asText())) {
                keys.put(k.path("kid").asText(), rsa(k.path("n").asText(), k.path("e").asText()));
            }
        }
    }

    static PublicKey rsa(String n, String e) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(n)), new BigInteger(1, Base64.getUrlDecoder().decode(e))));
    }
}
