package dev.holdfast.functions.withdrawals;

import dev.holdfast.resources.Variables;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.withdrawal.Destination;
import dev.holdfast.functions.provider.JsonClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@link BankTransfers} over HTTP (JDK client, no dependency):
 * <ul>
 *   <li>{@code POST {BANK_URL}/transfers} {@code {"transferId", "amount", "currency", "bank", "account"}}
 *       → {@code 200 {"transferId", "status": "CONFIRMED"|"REFUSED"|"PENDING", "reason"?}};</li>
 *   <li>{@code GET {BANK_URL}/transfers/{transferId}} → {@code 200 {"status": …|"UNKNOWN", "reason"?}},
 *       or {@code 404} for a transfer the bank never received (UNKNOWN).</li>
 * </ul>
 * Anything else — a timeout, a refused connection, a 5xx, an unreadable body — is
 * {@link BankTransfers.Unanswered}: the transfer may have reached the bank.
 *
 * <p>Configured by {@code BANK_URL} and {@code BANK_TIMEOUT_MS} (default 3000: two calls and the commits fit the 9 s function timeout): the whole call,
 * connection included, is bounded by that timeout.
 */
public final class HttpBankTransfers implements BankTransfers {
    public static final String URL_VARIABLE = Variables.BANK_URL;
    public static final String TIMEOUT_VARIABLE = Variables.BANK_TIMEOUT_MS;
    public static final long DEFAULT_TIMEOUT_MS = 3_000;

    private final JsonClient client;

    public HttpBankTransfers(URI base, Duration timeout) {
        this.client = new JsonClient("bank", base, timeout, Unanswered::new);
    }

    /**
     * The bank of a deployed function's environment. Without {@code BANK_URL} every call fails
     * (the withdrawal stays PENDING with its cash held, and is retried once the URL is configured).
     */
    public static BankTransfers fromEnvironment(Map<String, String> env) {
        String url = env.get(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return new BankTransfers() {
                @Override
                public Answer send(String transferId, Amount amount, Destination destination) {
                    throw new IllegalStateException(URL_VARIABLE + " is not set; nothing was sent");
                }

                @Override
                public Answer status(String transferId) {
                    throw new IllegalStateException(URL_VARIABLE + " is not set");
                }
            };
        }
        return new HttpBankTransfers(URI.create(url), JsonClient.timeout(env, TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_MS));
    }

    @Override
    public Answer send(String transferId, Amount amount, Destination destination) {
        ObjectNode body = Json.object();
        body.put("transferId", transferId);
        body.put("amount", amount.text());
        body.put("currency", Amount.CURRENCY);
        body.put("bank", destination.bank());
        body.put("account", destination.account());
        HttpResponse<String> r = client.post("transfers", body);
        if (r.statusCode() != 200) {
            throw new Unanswered("the bank answered " + r.statusCode() + " to transfer " + transferId, null);
        }
        Answer a = parse(r.body(), transferId);
        if (a.state() == State.UNKNOWN) {
            throw new Unanswered("the bank answered UNKNOWN to a send of " + transferId, null);
        }
        return a;
    }

    @Override
    public Answer status(String transferId) {
        HttpResponse<String> r = client.get("transfers/" + URLEncoder.encode(transferId, StandardCharsets.UTF_8));
        if (r.statusCode() == 404) {
            return Answer.of(State.UNKNOWN);
        }
        if (r.statusCode() != 200) {
            throw new Unanswered("the bank answered " + r.statusCode() + " to a status of " + transferId, null);
        }
        return parse(r.body(), transferId);
    }

    private Answer parse(String body, String transferId) {
        JsonNode n = client.parse(body, transferId);
        String status = n.path("status").asText("");
        String reason = n.hasNonNull("reason") ? n.get("reason").asText() : null;
        return switch (status) {
            case "CONFIRMED" -> Answer.of(State.CONFIRMED);
            case "REFUSED" -> new Answer(State.REFUSED, reason == null ? "refused by the bank" : reason);
            case "PENDING" -> Answer.of(State.PENDING_AT_BANK);
            case "UNKNOWN" -> Answer.of(State.UNKNOWN);
            default -> throw new Unanswered("unexpected bank status '" + status + "' for " + transferId, null);
        };
    }
}
