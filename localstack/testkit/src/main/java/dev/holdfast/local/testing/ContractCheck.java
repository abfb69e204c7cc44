package dev.holdfast.local.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.util.ResolverFully;

import dev.holdfast.local.drill.Exchange;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * docs/openapi.yaml as a check on real traffic: every response the integration tests receive is
 * validated against its operation (status listed, headers, body schema), and every request the
 * platform accepted (a 2xx) against the operation's parameters and body — a deliberately bad request
 * of a hostile test is answered 4xx and only its answer is checked. Calls outside the document
 * (unknown paths and methods, the static pages) are not checked. An object may carry only the properties
 * its schema lists: a field added, renamed, retyped or missing fails. A mismatch is an {@link AssertionError}.
 */
public final class ContractCheck {
    public static final Path DOCUMENT = Path.of("..", "docs", "openapi.yaml");
    private static volatile ContractCheck instance;

    private final OpenApiInteractionValidator validator;

    private ContractCheck(OpenApiInteractionValidator validator) {
        this.validator = validator;
    }

    /** The check against docs/openapi.yaml (read once per test JVM). */
    public static ContractCheck get() {
        ContractCheck c = instance;
        if (c == null) {
            synchronized (ContractCheck.class) {
                c = instance;
                if (c == null) {
                    c = of(DOCUMENT.toAbsolutePath().normalize().toUri().toString());
                    instance = c;
                }
            }
        }
        return c;
    }

    /** A check against the document at {@code url} (a test of the check itself uses a doctored copy). */
    public static ContractCheck of(String url) {
        LevelResolver levels = LevelResolver.create()
                // a call outside the document (a hostile path, a static page, a wrong method) is not the document's business
                .withLevel("validation.request.path.missing", ValidationReport.Level.IGNORE)
                .withLevel("validation.request.operation.notAllowed", ValidationReport.Level.IGNORE)
                // tokens are checked by the platform (and by its own tests), not by the schema check
                .withLevel("validation.request.security", ValidationReport.Level.IGNORE)
                // a query parameter an operation does not take is ignored by the platform (hostile tests send some)
                .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.IGNORE)
                .build();
        // allOf merged before validating: each schema admits only its properties (a field added fails), a nullable allOf null
        ParseOptions parse = new ParseOptions();
        parse.setResolve(true);
        OpenAPI doc = new OpenAPIV3Parser().read(url, null, parse);
        if (doc == null) {
            throw new IllegalStateException("cannot read " + url);
        }
        nullableRefsInline(doc);
        new ResolverFully(true).resolveFully(doc); // references inlined, allOf merged
        return new ContractCheck(OpenApiInteractionValidator.createFor(doc).withLevelResolver(levels)
                .withResolveCombinators(true).build());
    }

    /**
     * {@code {type: object, nullable: true, allOf: [$ref]}} (OpenAPI 3.0's way to say "this schema, or null")
     * written as the referenced schema itself with {@code nullable: true}: the validator's allOf merge
     * forgets {@code nullable}, and a {@code null} price or result would fail.
     */
    private static void nullableRefsInline(OpenAPI doc) {
        Map<String, Schema> components = doc.getComponents().getSchemas();
        java.util.Set<Schema<?>> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.function.Consumer<Schema<?>>[] walk = new java.util.function.Consumer[1];
        walk[0] = s -> {
            if (s == null || !seen.add(s)) {
                return;
            }
            if (Boolean.TRUE.equals(s.getNullable()) && s.getAllOf() != null && s.getAllOf().size() == 1
                    && s.getAllOf().get(0).get$ref() != null) {
                String ref = s.getAllOf().get(0).get$ref();
                Schema<?> target = components.get(ref.substring(ref.lastIndexOf('/') + 1));
                s.setAllOf(null);
                s.setType(target.getType());
                s.setProperties(target.getProperties());
                s.setRequired(target.getRequired());
                s.setAdditionalProperties(target.getAdditionalProperties());
            }
            if (s.getProperties() != null) {
                s.getProperties().values().forEach(p -> walk[0].accept(p));
            }
            if (s.getItems() != null) {
                walk[0].accept(s.getItems());
            }
            if (s.getAllOf() != null) {
                s.getAllOf().forEach(p -> walk[0].accept(p));
            }
        };
        components.values().forEach(s -> walk[0].accept(s));
        doc.getPaths().values().forEach(path -> path.readOperations().forEach(op -> {
            if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                op.getRequestBody().getContent().values().forEach(m -> walk[0].accept(m.getSchema()));
            }
            op.getResponses().values().forEach(r -> {
                if (r.getContent() != null) {
                    r.getContent().values().forEach(m -> walk[0].accept(m.getSchema()));
                }
            });
        }));
    }

    /** Fails with every mismatch between the exchange and the document. */
    public void check(Exchange x) {
        Request.Method method = Request.Method.valueOf(x.method().toUpperCase(Locale.ROOT));
        String path = x.uri().getRawPath();
        SimpleResponse.Builder response = new SimpleResponse.Builder(x.status());
        x.responseHeaders().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                response.withHeader(name, values);
            }
        });
        if (x.responseBody() != null && !x.responseBody().isEmpty()) {
            response.withBody(x.responseBody());
        }
        ValidationReport report = validator.validateResponse(path, method, response.build());
        if (x.status() / 100 == 2) {
            report = report.merge(validator.validateRequest(request(method, path, x)));
        }
        if (report.hasErrors()) {
            throw new AssertionError("docs/openapi.yaml and " + x.method() + " " + x.uri().getRawPath()
                    + (x.uri().getRawQuery() == null ? "" : "?" + x.uri().getRawQuery()) + " (answered " + x.status() + ") differ:\n"
                    + SimpleValidationReportFormat.getInstance().apply(report) + "\nresponse body: " + x.responseBody()
                    + (x.requestBody() == null ? "" : "\nrequest body: " + x.requestBody()));
        }
    }

    private static Request request(Request.Method method, String path, Exchange x) {
        SimpleRequest.Builder b = new SimpleRequest.Builder(method, path);
        x.requestHeaders().forEach(b::withHeader);
        if (x.requestBody() != null) {
            b.withBody(x.requestBody());
        }
        String query = x.uri().getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                b.withQueryParam(name, value);
            }
        }
        return b.build();
    }
}
