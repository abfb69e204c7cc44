package dev.holdfast.functions.live;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The $connect authorizer's token check against a JWKS served like Cognito's. */
class CognitoTokensTest {
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    static HttpServer jwks;
    static KeyPair keys;
    static String issuer;

    @BeforeAll
    static void serve() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String body = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"n\":\""
                + b.encodeToString(unsigned(pub.getModulus().toByteArray())) + "\",\"e\":\""
                + b.encodeToString(unsigned(pub.getPublicExponent().toByteArray())) + "\"}]}";
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/pool/.well-known/jwks.json", x -> {
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, out.length);
            x.getResponseBody().write(out);
            x.close();
        });
        jwks.start();
        issuer = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/pool";
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
    }

    static byte[] unsigned(byte[] b) {
        return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    static String token(String kid, String claims) throws Exception {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String head = b.encodeToString(("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8));
        String body = b.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(keys.getPrivate());
        s.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
        return head + "." + body + "." + b.encodeToString(s.sign());
    }

    static String claims(String iss, String use, String client, long exp) {
        return "{\"sub\":\"u-1\",\"iss\":\"" + iss + "\",\"token_use\":\"" + use + "\",\"client_id\":\"" + client
                + "\",\"exp\":" + exp + ",\"cognito:groups\":[\"admin\"]}";
    }

    @Test
    void aValidAccessTokenNamesItsCallerAndAnythingElseIsRefused() throws Exception {
        CognitoTokens t = new CognitoTokens(issuer, "client-1", Clock.fixed(NOW, ZoneOffset.UTC));
        long exp = NOW.getEpochSecond() + 600;
        var caller = t.verify(token("k1", claims(issuer, "access", "client-1", exp))).orElseThrow();
        assertEquals("u-1", caller.sub());
        assertEquals(List.of("admin"), caller.groups());
        assertTrue(t.verify(token("k1", claims(issuer, "id", "client-1", exp))).isEmpty(), "an id token");
        assertTrue(t.verify(token("k1", claims(issuer, "access", "client-2", exp))).isEmpty(), "another client");
        assertTrue(t.verify(token("k1", claims("https://evil", "access", "client-1", exp))).isEmpty(), "another issuer");
        assertTrue(t.verify(token("k1", claims(issuer, "access", "client-1", NOW.getEpochSecond()))).isEmpty(), "expired");
        assertTrue(t.verify(token("k9", claims(issuer, "access", "client-1", exp))).isEmpty(), "unknown key");
        String good = token("k1", claims(issuer, "access", "client-1", exp));
        assertTrue(t.verify(good.substring(0, good.length() - 4) + "AAAA").isEmpty(), "a forged signature");
        assertTrue(t.verify("not.a.token").isEmpty());
    }

    @Test
    void theAuthorizerAllowsWithTheCallerInItsContextOrDenies() throws Exception {
        LiveAuthorizer a = new LiveAuthorizer(new CognitoTokens(issuer, "client-1", Clock.fixed(NOW, ZoneOffset.UTC)));
        APIGatewayCustomAuthorizerEvent e = new APIGatewayCustomAuthorizerEvent();
        e.setMethodArn("arn:aws:execute-api:us-east-1:1:api/live/$connect");
        e.setQueryStringParameters(Map.of("token", token("k1", claims(issuer, "access", "client-1", NOW.getEpochSecond() + 60))));
        Map<String, Object> allowed = a.handleRequest(e, null);
        assertEquals("u-1", allowed.get("principalId"));
        assertEquals(Map.of("sub", "u-1", "groups", "admin"), allowed.get("context"));
        assertTrue(allowed.get("policyDocument").toString().contains("Effect=Allow"), allowed.toString());
        e.setQueryStringParameters(null);
        e.setHeaders(Map.of("authorization", "Bearer nope"));
        assertTrue(a.handleRequest(e, null).get("policyDocument").toString().contains("Effect=Deny"));
    }
}
