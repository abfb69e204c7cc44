package dev.holdfast.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The local stand-in for Cognito and API Gateway's JWT authorizer: issues RS256 access tokens
 * shaped like Cognito's ({@code sub}, {@code cognito:groups}, {@code client_id},
 * {@code token_use}) and verifies them as the authorizer does (signature, {@code kid},
 * {@code iss}, {@code client_id}, {@code exp}, {@code nbf}). Verified claims are rendered as
 * API Gateway renders them: strings, arrays as {@code "[a b]"}.
 */
public final class LocalJwt {
    public static final String ISSUER = "holdfast-local";
    public static final String CLIENT_ID = "holdfast-local-client";
    static final String KID = "holdfast-local-1";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Clock clock;

    private LocalJwt(KeyPair keys, Clock clock) {
        this.privateKey = keys.getPrivate();
        this.publicKey = keys.getPublic();
        this.clock = clock;
    }

    /** A signer with a fresh key (in-memory environments). */
    public static LocalJwt generate(Clock clock) {
        return new LocalJwt(newKeyPair(), clock);
    }

    /** A signer whose key is kept in {@code dir} so tokens survive restarts of a persisted environment. */
    public static LocalJwt persistedIn(Path dir, Clock clock) throws IOException {
        Path file = dir.resolve("local-signing-key.pk8");
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            if (Files.exists(file)) {
                PrivateKey priv = rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
                RSAPrivateCrtKey crt = (RSAPrivateCrtKey) priv;
                PublicKey pub = rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
                return new LocalJwt(new KeyPair(pub, priv), clock);
            }
            KeyPair keys = newKeyPair();
            Files.createDirectories(dir);
            Files.write(file, keys.getPrivate().getEncoded());
            return new LocalJwt(keys, clock);
        } catch (GeneralSecurityException e) {
            throw new IOException("unreadable signing key " + file, e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token for {@code sub} in {@code groups}, valid from {@code notBefore} for {@code ttl}. */
    public String issue(String sub, List<String> groups, Instant notBefore, Duration ttl) {
        ObjectNode header = Json.object();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("kid", KID);
        ObjectNode claims = Json.object();
        claims.put("sub", sub);
        ArrayNode g = claims.putArray("cognito:groups");
        groups.forEach(g::add);
        claims.put("iss", ISSUER);
        claims.put("client_id", CLIENT_ID);
        claims.put("token_use", "access");
        claims.put("scope", "aws.cognito.signin.user.admin");
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iat", notBefore.getEpochSecond());
        claims.put("nbf", notBefore.getEpochSecond());
        claims.put("exp", notBefore.plus(ttl).getEpochSecond());
        String signingInput = b64(Json.write(header).getBytes(StandardCharsets.UTF_8)) + "."
                + b64(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(privateKey);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token valid from now for {@code ttl}. */
    public String issue(String sub, List<String> groups, Duration ttl) {
        return issue(sub, groups, clock.instant(), ttl);
    }

    /**
     * Verifies a bearer token as API Gateway's JWT authorizer would.
     *
     * @return the claims as API Gateway passes them to the integration, or empty if the token is
     *         missing, malformed, forged, expired or not yet valid
     */
    public Optional<Map<String, String>> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = Json.parse(new String(unb64(parts[0]), StandardCharsets.UTF_8));
            if (!"RS256".equals(header.path("alg").asText()) || !KID.equals(header.path("kid").asText())) {
                return Optional.empty();
            }
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(publicKey);
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(unb64(parts[2]))) {
                return Optional.empty();
            }
            JsonNode claims = Json.parse(new String(unb64(parts[1]), StandardCharsets.UTF_8));
            long now = clock.instant().getEpochSecond();
            if (!claims.isObject() || !ISSUER.equals(claims.path("iss").asText())
                    || !CLIENT_ID.equals(claims.path("client_id").asText())
                    || !claims.path("exp").canConvertToLong() || claims.path("exp").asLong() <= now
                    || (claims.has("nbf") && claims.path("nbf").asLong() > now)
                    || claims.path("sub").asText("").isBlank()) {
                return Optional.empty();
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = claims.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), render(e.getValue()));
            }
            return Optional.of(out);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** API Gateway's rendering of a claim value: arrays become {@code "[a b]"}. */
    private static String render(JsonNode v) {
        if (v.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (JsonNode e : v) {
                if (b.length() > 1) {
                    b.append(' ');
                }
                b.append(e.asText());
            }
            return b.append(']').toString();
        }
        return v.isValueNode() ? v.asText() : Json.write(v);
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Only the canonical unpadded base64url spelling of each segment verifies (no malleable twins). */
    private static byte[] unb64(String s) {
        return dev.holdfast.api.token.SignedToken.decodeCanonical(s);
    }
}
