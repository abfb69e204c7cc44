package dev.holdfast.local;

import com.sun.net.httpserver.Headers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The local gateway's own small HTTP/1.1 server. The JDK's {@code HttpServer} parses the request
 * line itself and answers a bad one ({@code /orders/%zz}, literal braces, {@code |},
 * {@code //orders}) with its own HTML page and no {@code X-Request-Id}, before any handler runs;
 * here every request, however malformed, reaches the handler, which answers in the contract's
 * shape. It speaks what the local clients need: keep-alive, {@code Content-Length} and chunked
 * request bodies, {@code Expect: 100-continue}, fixed-length answers.
 */
final class GatewayHttpServer {
    /** The largest request head (request line and headers) read. */
    static final int MAX_HEAD_BYTES = 64 << 10;
    /** An idle keep-alive connection is closed after this long. */
    static final int IDLE_TIMEOUT_MILLIS = 30_000;

    /**
     * One request. {@code problem} is non-null when the request could not be read as HTTP (the
     * handler answers it with a 400; the connection is then closed).
     */
    record Request(String method, String target, String rawPath, String rawQuery, Headers headers,
                   InputStream body, InetSocketAddress remote, String protocol, String problem) {}

    record Response(int status, Map<String, String> headers, byte[] body) {}

    @FunctionalInterface
    interface Handler {
        Response handle(Request request);
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final ExecutorService connections;
    /** At most this many requests are handled at once (as the JDK server's fixed pool did). */
    private final Semaphore handling;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread acceptor;

    GatewayHttpServer(String bindHost, int port, int backlog, int maxConcurrent, Handler handler) throws IOException {
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(bindHost), port), backlog);
        this.handler = handler;
        this.handling = new Semaphore(maxConcurrent);
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-api");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        running = true;
        acceptor = new Thread(this::acceptLoop, "local-api-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    void stop() {
        running = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        connections.shutdown();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = socket.accept();
                open.add(s);
                connections.execute(() -> serve(s));
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 16 << 10);
            OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 16 << 10);
            InetSocketAddress remote = (InetSocketAddress) s.getRemoteSocketAddress();
            while (running) {
                String head = readHead(in);
                if (head == null) {
                    return; // the client closed (or went idle)
                }
                Request request = parse(head, in, out, remote);
                boolean keepAlive = request.problem() == null && keepAlive(request);
                Response response;
                handling.acquireUninterruptibly();
                try {
                    response = handler.handle(request);
                } finally {
                    handling.release();
                }
                if (keepAlive) {
                    // the handler may not have read the whole body: skip the rest to find the next request
                    try {
                        request.body().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        keepAlive = false;
                    }
                }
                write(out, request, response, keepAlive);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (SocketTimeoutException | SocketException e) {
            // idle or reset: the connection is done
        } catch (IOException e) {
            // the connection is done
        } finally {
            open.remove(s);
        }
    }

    /** The request head up to the blank line, or null at a clean end of stream; an oversized head is a problem. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int last1 = -1;
        int last2 = -1;
        int last3 = -1;
        int b;
        while ((b = in.read()) != -1) {
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                continue; // stray line breaks between requests
            }
            head.write(b);
            if (b == '\n' && (last1 == '\n' || (last1 == '\r' && last2 == '\n') || (last1 == '\r' && last2 == '\n' && last3 == '\r'))) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            last3 = last2;
            last2 = last1;
            last1 = b;
            if (head.size() > MAX_HEAD_BYTES) {
                return head.toString(StandardCharsets.ISO_8859_1) + "\u0000TOO_LARGE";
            }
        }
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
    }

    private static Request parse(String head, InputStream in, OutputStream out, InetSocketAddress remote) throws IOException {
        Headers headers = new Headers();
        if (head.endsWith("\u0000TOO_LARGE")) {
            return problem("the request head is larger than " + MAX_HEAD_BYTES + " bytes", "", headers, remote);
        }
        String[] lines = head.split("\r?\n");
        String requestLine = lines.length == 0 ? "" : lines[0];
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return problem("a header line is malformed", requestLine, headers, remote);
            }
            headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[0].chars().allMatch(c -> c >= 'A' && c <= 'Z')
                || !parts[2].startsWith("HTTP/1.")) {
            return problem("the request line is malformed", requestLine, headers, remote);
        }
        String method = parts[0];
        String target = parts[1];
        String protocol = parts[2];
        if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            return problem("the request target must start with '/'", requestLine, headers, remote);
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        int hash = rawPath.indexOf('#');
        if (hash >= 0) {
            rawPath = rawPath.substring(0, hash);
        }

        InputStream body;
        String te = headers.getFirst("Transfer-Encoding");
        String cl = headers.getFirst("Content-Length");
        if (te != null && !te.equalsIgnoreCase("identity")) {
            if (!te.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                return new Request(method, target, rawPath, rawQuery, headers, InputStream.nullInputStream(), remote,
                        protocol, "the transfer encoding '" + te + "' is not supported");
            }
            continueIfExpected(headers, out);
            body = new ChunkedInput(in);
        } else if (cl != null) {
            long length;
            try {
                length = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                return new Request(method, target, rawPath, rawQuery, headers, InputStream.nullInputStream(), remote,
                        protocol, "the Content-Length is not a number");
            }
            if (length > 0) {
                continueIfExpected(headers, out);
            }
            body = new BoundedInput(in, length);
        } else {
            body = InputStream.nullInputStream();
        }
        return new Request(method, target, rawPath, rawQuery, headers, body, remote, protocol, null);
    }

    private static Request problem(String why, String target, Headers headers, InetSocketAddress remote) {
        return new Request("GET", target, "/", null, headers, InputStream.nullInputStream(), remote, "HTTP/1.1", why);
    }

    private static void continueIfExpected(Headers headers, OutputStream out) throws IOException {
        String expect = headers.getFirst("Expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private static boolean keepAlive(Request r) {
        String connection = r.headers().getFirst("Connection");
        if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
            return false;
        }
        if (r.protocol().equals("HTTP/1.0")) {
            return connection != null && connection.toLowerCase(Locale.ROOT).contains("keep-alive");
        }
        return true;
    }

    private static void write(OutputStream out, Request request, Response response, boolean keepAlive) throws IOException {
        StringBuilder h = new StringBuilder(256);
        h.append("HTTP/1.1 ").append(response.status()).append(' ').append(reason(response.status())).append("\r\n");
        for (Map.Entry<String, String> e : response.headers().entrySet()) {
            String name = e.getKey();
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Connection")
                    || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            h.append(name).append(": ").append(e.getValue().replace("\r", " ").replace("\n", " ")).append("\r\n");
        }
        boolean noContent = response.status() == 204 || response.status() == 304;
        boolean noBody = noContent || request.method().equals("HEAD");
        h.append("Content-Length: ").append(noContent ? 0 : response.body().length).append("\r\n");
        h.append("Date: ").append(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC))).append("\r\n");
        h.append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        if (!noBody) {
            out.write(response.body());
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 425 -> "Too Early";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** A body of a known length. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInput(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b == -1) {
                throw new IOException("the body ended early");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n == -1) {
                throw new IOException("the body ended early");
            }
            left -= n;
            return n;
        }
    }

    /** A chunked body, decoded (trailers skipped). */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        private boolean ensure() throws IOException {
            if (done) {
                return false;
            }
            if (chunkLeft == 0) {
                String size = line();
                int semi = size.indexOf(';');
                try {
                    chunkLeft = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size");
                }
                if (chunkLeft == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    done = true;
                    return false;
                }
            }
            return true;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    sb.append((char) b);
                }
                if (sb.length() > 4096) {
                    throw new IOException("chunk line too long");
                }
            }
            if (b == -1) {
                throw new IOException("the body ended early");
            }
            return sb.toString();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (!ensure()) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, chunkLeft));
            if (n == -1) {
                throw new IOException("the body ended early");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                line(); // CRLF after the chunk
            }
            return n;
        }
    }
}
