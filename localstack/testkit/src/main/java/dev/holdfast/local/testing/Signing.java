package dev.holdfast.local.testing;

import dev.holdfast.persistence.ShardedCounters;
import dev.holdfast.persistence.signups.SignupStore;
import dev.holdfast.persistence.wallet.WalletStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.token.AdmissionTokens;
import dev.holdfast.api.Json;
import dev.holdfast.domain.waitingroom.AdmissionToken;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.resources.Tables;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Signups from a test's point of view: admission tokens minted with the environment's signing key
 * (as the waiting room issues them), the HTTP calls, and reads straight from the tables for checks.
 */
public final class Signing {
    private final LocalHoldfast env;
    private final Api api;
    private final WalletStore wallet;
    private final ShardedCounters counters;

    public Signing(LocalHoldfast env, Api api) {
        this.env = env;
        this.api = api;
        this.wallet = new WalletStore(env.deployment(), null);
        this.counters = new ShardedCounters(env.deployment().clients().dynamo(),
                env.deployment().names().table(Tables.WAITING_ROOM), SignupStore.COHORT_COUNTER_SHARDS);
    }

    /** An admission token for a new ticket of {@code rolloutId}/{@code cohortId}, good for ten minutes. */
    public String admission(String rolloutId, String cohortId) {
        return admission("t-" + UUID.randomUUID(), rolloutId, cohortId, Duration.ofMinutes(10));
    }

    public String admission(String ticketId, String rolloutId, String cohortId, Duration valid) {
        Instant now = env.deployment().clock().instant();
        return AdmissionTokens.sign(new AdmissionToken(ticketId, rolloutId, cohortId, now.minusSeconds(1), now.plus(valid)), env.signingKey());
    }

    public static String body(String name) {
        return body(name, "1990-04-30", "+821012345678", "Seoul");
    }

    public static String body(String name, String birthDate, String phone, String region) {
        ObjectNode n = Json.object();
        n.put("name", name);
        n.put("birthDate", birthDate);
        n.put("phone", phone);
        n.put("region", region);
        return Json.write(n);
    }

    public Api.Reply signup(String admissionToken, String body) {
        return api.post("/signup", admissionToken, body);
    }

    public JsonNode status(String signupId) {
        return api.get("/signup/" + signupId, null).json();
    }

    /** Waits until the signup is no longer PENDING (or the timeout) and returns its view. */
    public JsonNode awaitFinished(String signupId, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        JsonNode v = status(signupId);
        while (v.path("status").asText().equals("PENDING") && System.nanoTime() < until) {
            sleep(100);
            v = status(signupId);
        }
        return v;
    }

    /** The stored account (revision 0 = never opened). */
    public Account account(String accountId) {
        return wallet.account(accountId);
    }

    /** The cohort's signed-up count, as the rollout view reads it. */
    public long signedUp(String rolloutId, String cohortId) {
        return counters.sum(SignupStore.cohortSignupsCounter(rolloutId, cohortId)).getOrDefault("signedUp", 0L);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
