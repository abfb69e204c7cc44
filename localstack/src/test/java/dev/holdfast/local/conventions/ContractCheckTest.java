package dev.holdfast.local.conventions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.drill.Exchange;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.ContractCheck;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The document check that every integration test's traffic goes through bites: a served answer with
 * a field renamed, typed differently or missing, a status the document does not list, an accepted
 * request the document does not allow, or a document that no longer describes what is served — each fails.
 */
class ContractCheckTest {
    @TempDir
    Path dir;

    private final Api api = new Api(SharedEnvironment.get().apiBaseUrl());

    /** The served {@code GET /status} (already checked by {@link Api}) with {@code change} applied to its body. */
    private Exchange status(Consumer<ObjectNode> change, int status) {
        Api.Reply r = api.get("/status", null);
        ObjectNode body = r.json().deepCopy();
        change.accept(body);
        return new Exchange("GET", URI.create("http://127.0.0.1/status"), Map.of(), null, status, r.headers(),
                Json.write(body), 0, false);
    }

    @Test
    void theServedAnswerPasses() {
        assertDoesNotThrow(() -> ContractCheck.get().check(status(b -> { }, 200)));
    }

    @Test
    void aFieldRenamedAddedTypedDifferentlyOrOutsideItsEnumFails() {
        AssertionError renamed = assertThrows(AssertionError.class, () -> ContractCheck.get().check(status(b -> b.set("sinceAt", b.remove("since")), 200)));
        assertTrue(renamed.getMessage().contains("since"), renamed.getMessage());
        assertThrows(AssertionError.class, () -> ContractCheck.get().check(status(b -> b.put("mode", 3), 200)));
        assertThrows(AssertionError.class, () -> ContractCheck.get().check(status(b -> b.put("extra", "a field the document lacks"), 200)));
        assertThrows(AssertionError.class, () -> ContractCheck.get().check(status(b -> b.put("mode", "PARTY"), 200)));
        assertThrows(AssertionError.class, () -> ContractCheck.get().check(status(b -> b.put("since", "yesterday"), 200)));
    }

    @Test
    void aStatusTheDocumentDoesNotListFails() {
        assertThrows(AssertionError.class, () -> ContractCheck.get().check(status(b -> { }, 418)));
    }

    @Test
    void anAcceptedRequestTheDocumentDoesNotAllowFails() {
        Exchange accepted = new Exchange("POST", URI.create("http://127.0.0.1/local/token"),
                Map.of("Content-Type", List.of("application/json")), "{\"sub\":\"x\",\"ttlSeconds\":\"soon\"}", 200,
                Map.of("Content-Type", List.of("application/json")), "{\"token\":\"t\"}", 0, false);
        assertThrows(AssertionError.class, () -> ContractCheck.get().check(accepted));
        // the same request refused (a hostile test's 400) is not held against the request
        Exchange refused = new Exchange("POST", accepted.uri(), accepted.requestHeaders(), accepted.requestBody(), 400,
                accepted.responseHeaders(), "{\"error\":{\"code\":\"VALIDATION_ERROR\",\"message\":\"m\",\"details\":{\"field\":\"ttlSeconds\"}}}",
                0, false);
        assertDoesNotThrow(() -> ContractCheck.get().check(refused));
    }

    @Test
    void aDocumentThatNoLongerDescribesTheServedAnswerFails() throws IOException {
        String doc = Files.readString(ContractCheck.DOCUMENT);
        String changed = doc.replace("        since: { type: string, format: date-time }\n        until:",
                "        since: { type: integer }\n        until:");
        assertTrue(!changed.equals(doc), "the document's Status.since was found");
        Path copy = dir.resolve("openapi.yaml");
        Files.writeString(copy, changed);
        ContractCheck doctored = ContractCheck.of(copy.toUri().toString());
        AssertionError e = assertThrows(AssertionError.class, () -> doctored.check(status(b -> { }, 200)));
        assertTrue(e.getMessage().contains("since"), e.getMessage());
    }
}
