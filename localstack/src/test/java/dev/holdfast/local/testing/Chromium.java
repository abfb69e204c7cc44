package dev.holdfast.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools protocol ({@code java.net.http.WebSocket}, no
 * driver binary): one page, emulated as a phone, that a test can navigate, read with JavaScript,
 * and photograph.
 */
public final class Chromium implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> console = java.util.Collections.synchronizedList(new ArrayList<>());

    /** The Chromium binary: system property {@code holdfast.chromium}, else the first of the usual names on the PATH. */
    public static Optional<Path> binary() {
        String configured = System.getProperty("holdfast.chromium");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts a headless browser whose one page is a phone of {@code width} × {@code height} CSS pixels. */
    public static Chromium phone(Path binary, int width, int height) throws IOException, InterruptedException {
        return start(binary, width, height, true);
    }

    /** Starts a headless browser whose one page is a laptop screen of {@code width} × {@code height} CSS pixels (scale 1). */
    public static Chromium laptop(Path binary, int width, int height) throws IOException, InterruptedException {
        return start(binary, width, height, false);
    }

    /** Changes the page's screen: a phone ({@code mobile}, scale 2, touch) or a desktop one (scale 1). */
    public void screen(int width, int height, boolean mobile) {
        ObjectNode metrics = Json.object();
        metrics.put("width", width);
        metrics.put("height", height);
        metrics.put("deviceScaleFactor", mobile ? 2 : 1);
        metrics.put("mobile", mobile);
        call("Emulation.setDeviceMetricsOverride", metrics);
        ObjectNode touch = Json.object();
        touch.put("enabled", mobile);
        if (mobile) {
            touch.put("maxTouchPoints", 5);
        }
        call("Emulation.setTouchEmulationEnabled", touch);
    }

    private static Chromium start(Path binary, int width, int height, boolean mobile) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("holdfast-chromium");
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--mute-audio", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "about:blank").redirectErrorStream(true);
        Process process = pb.start();
        try {
            String browserWs = awaitListening(process);
            int port = URI.create(browserWs).getPort();
            String pageWs = pageTarget(port);
            Chromium c = new Chromium(process, profile, pageWs);
            c.call("Page.enable", Json.object());
            c.call("Runtime.enable", Json.object());
            c.screen(width, height, mobile);
            return c;
        } catch (IOException | RuntimeException | InterruptedException e) {
            process.destroyForcibly();
            deleteQuietly(profile);
            throw e;
        }
    }

    private Chromium(Process process, Path profile, String pageWs) {
        this.process = process;
        this.profile = profile;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(pageWs), new Listener()).join();
    }

    /** Reads the process output until Chromium prints its DevTools endpoint, then keeps draining it. */
    private static String awaitListening(Process process) throws IOException, InterruptedException {
        LinkedBlockingQueue<String> found = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                boolean reported = false;
                for (String line; (line = r.readLine()) != null; ) {
                    if (!reported) {
                        seen.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            found.add(m.group(1));
                            reported = true;
                        }
                    }
                }
                if (!reported) {
                    found.add("exited: " + seen);
                }
            } catch (IOException e) {
                found.add("exited: " + e);
            }
        }, "chromium-output");
        reader.setDaemon(true);
        reader.start();
        String line = found.poll(60, TimeUnit.SECONDS);
        if (line == null || line.startsWith("exited: ")) {
            throw new IOException("Chromium did not start: " + line);
        }
        return line;
    }

    private static String pageTarget(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (int attempt = 0; attempt < 50; attempt++) {
            HttpResponse<String> r;
            try {
                r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException slow) {
                continue; // a loaded machine: the browser answers a little later
            }
            for (JsonNode t : Json.parse(r.body())) {
                if ("page".equals(t.path("type").asText())) {
                    return t.path("webSocketDebuggerUrl").asText();
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("Chromium has no page target");
    }

    /** One DevTools command; its {@code result}, or an exception carrying the protocol's error. */
    public JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = Json.object();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", params);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        synchronized (socket) {
            socket.sendText(Json.write(msg), true).join();
        }
        try {
            JsonNode r = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (r.has("error")) {
                throw new IllegalStateException(method + " failed: " + r.get("error"));
            }
            return r.path("result");
        } catch (TimeoutException e) {
            throw new IllegalStateException(method + " timed out", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(method + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pending.remove(id);
        }
    }

    /**
     * The languages the phone prefers, as its settings would give them: {@code navigator.languages} and the
     * {@code Accept-Language} header from {@code acceptLanguage} (such as {@code "ko-KR,ko;q=0.9"}), and
     * the page's default locale ({@code Intl}) {@code locale}. Applies to the next navigation.
     */
    public void preferLanguages(String acceptLanguage, String locale) {
        ObjectNode ua = Json.object();
        ua.put("userAgent", evaluate("navigator.userAgent").asText());
        ua.put("acceptLanguage", acceptLanguage);
        call("Emulation.setUserAgentOverride", ua);
        call("Emulation.setLocaleOverride", Json.object()); // clears the previous override (setting twice is refused)
        ObjectNode l = Json.object();
        l.put("locale", locale);
        call("Emulation.setLocaleOverride", l);
    }

    /** The phone's time zone, an IANA id such as {@code "America/New_York"}. */
    public void timeZone(String timezoneId) {
        ObjectNode p = Json.object();
        p.put("timezoneId", timezoneId);
        call("Emulation.setTimezoneOverride", p);
    }

    /** Takes the phone off the network (every request fails as with no signal) or puts it back. */
    public void offline(boolean offline) {
        call("Network.enable", Json.object());
        ObjectNode p = Json.object();
        p.put("offline", offline);
        p.put("latency", 0);
        p.put("downloadThroughput", -1);
        p.put("uploadThroughput", -1);
        call("Network.emulateNetworkConditions", p);
    }

    /** A screen of {@code width} × {@code height} CSS pixels; 180 wide is a 360 px phone at 200 % zoom. */
    public void viewport(int width, int height) {
        ObjectNode metrics = Json.object();
        metrics.put("width", width);
        metrics.put("height", height);
        metrics.put("deviceScaleFactor", 2);
        metrics.put("mobile", true);
        call("Emulation.setDeviceMetricsOverride", metrics);
    }

    /** Opens {@code url} in the page (returns once navigation started; wait for the page's own state). */
    public void navigate(String url) {
        ObjectNode p = Json.object();
        p.put("url", url);
        JsonNode r = call("Page.navigate", p);
        if (r.hasNonNull("errorText")) {
            throw new IllegalStateException("navigation to " + url + " failed: " + r.get("errorText").asText());
        }
    }

    /** The value of a JavaScript expression in the page (promises awaited), as JSON. */
    public JsonNode evaluate(String expression) {
        ObjectNode p = Json.object();
        p.put("expression", expression);
        p.put("returnByValue", true);
        p.put("awaitPromise", true);
        JsonNode r = call("Runtime.evaluate", p);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page script failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Evaluates {@code expression} every 100 ms until its string value passes {@code test}; returns that value. */
    public String await(String expression, Predicate<String> test, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                JsonNode v = evaluate(expression);
                last = v.isMissingNode() || v.isNull() ? null : v.asText();
                if (last != null && test.test(last)) {
                    return last;
                }
            } catch (IllegalStateException e) {
                last = e.getMessage(); // e.g. while the page is navigating
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last value: " + last
                + "; console: " + console);
    }

    /** A PNG of the page's viewport, written to {@code file}. */
    public Path screenshot(Path file) throws IOException {
        ObjectNode p = Json.object();
        p.put("format", "png");
        JsonNode r = call("Page.captureScreenshot", p);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
        return file;
    }

    /** What the page logged and threw so far (console messages and uncaught exceptions). */
    public List<String> console() {
        synchronized (console) {
            return List.copyOf(console);
        }
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp profile left behind is harmless
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode msg = Json.parse(text);
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> f = pending.get(msg.get("id").asInt());
                        if (f != null) {
                            f.complete(msg);
                        }
                    } else {
                        event(msg);
                    }
                } catch (IOException e) {
                    console.add("unparsable DevTools message: " + e);
                }
            }
            webSocket.request(1);
            return null;
        }

        private void event(JsonNode msg) {
            String method = msg.path("method").asText();
            JsonNode p = msg.path("params");
            if (method.equals("Runtime.consoleAPICalled")) {
                StringBuilder line = new StringBuilder(p.path("type").asText()).append(':');
                p.path("args").forEach(a -> line.append(' ').append(a.path("value").asText(a.path("description").asText())));
                console.add(line.toString());
            } else if (method.equals("Runtime.exceptionThrown")) {
                console.add("exception: " + p.path("exceptionDetails").path("exception").path("description")
                        .asText(p.path("exceptionDetails").path("text").asText()));
            }
        }
    }
}
