package dev.holdfast.local.faithful;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP/1.1 server on the loopback interface for {@link FaithfulDynamo}: keep-alive,
 * Content-Length or chunked request bodies, a thread per connection. Not the JDK's HttpServer: that
 * one sends an answer's headers and body in two segments without TCP_NODELAY, which costs a delayed
 * ACK (about 40 ms) per request on loopback; here every answer leaves in one write.
 */
final class LoopbackHttp implements AutoCloseable {

    record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        /** The first value of a header, by case-insensitive name, or null. */
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** An answer; Content-Length is set from the body. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {}

    interface Handler {
        Response handle(Request request) throws InterruptedException;
    }

    private final ServerSocket server;
    private final ExecutorService executor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Handler handler;

    private LoopbackHttp(int port, String name, Handler handler) throws IOException {
        this.handler = handler;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        Thread acceptor = new Thread(this::accept, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Serves {@code handler} on 127.0.0.1:{@code port} ({@code 0}: a free port). */
    static LoopbackHttp start(int port, String name, Handler handler) throws IOException {
        return new LoopbackHttp(port, name, handler);
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        executor.shutdownNow();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                s.setSoTimeout(300_000);
                open.add(s);
                executor.execute(() -> serve(s));
            } catch (IOException | RejectedExecutionException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue;
                }
                String[] parts = requestLine.split(" ");
                if (parts.length < 3) {
                    return;
                }
                Map<String, List<String>> headers = new LinkedHashMap<>();
                String h;
                while ((h = line(in)) != null && !h.isEmpty()) {
                    int colon = h.indexOf(':');
                    if (colon > 0) {
                        headers.computeIfAbsent(h.substring(0, colon).trim(), k -> new ArrayList<>())
                                .add(h.substring(colon + 1).trim());
                    }
                }
                if (h == null) {
                    return;
                }
                Request probe = new Request(parts[0], parts[1], headers, new byte[0]);
                if ("100-continue".equalsIgnoreCase(probe.header("Expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                byte[] body;
                String length = probe.header("Content-Length");
                if (length != null) {
                    body = in.readNBytes(Integer.parseInt(length.trim()));
                } else if ("chunked".equalsIgnoreCase(probe.header("Transfer-Encoding"))) {
                    body = chunked(in);
                } else {
                    body = new byte[0];
                }
                Response a;
                try {
                    a = handler.handle(new Request(parts[0], parts[1], headers, body));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                StringBuilder head = new StringBuilder("HTTP/1.1 ").append(a.status()).append(' ')
                        .append(a.status() == 200 ? "OK" : a.status() == 400 ? "Bad Request" : "Error").append("\r\n");
                a.headers().forEach((k, vs) -> {
                    if (k != null && !k.equalsIgnoreCase("Content-Length")) {
                        vs.forEach(v -> head.append(k).append(": ").append(v).append("\r\n"));
                    }
                });
                head.append("Content-Length: ").append(a.body().length).append("\r\n\r\n");
                byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
                byte[] all = new byte[headBytes.length + a.body().length];
                System.arraycopy(headBytes, 0, all, 0, headBytes.length);
                System.arraycopy(a.body(), 0, all, headBytes.length, a.body().length);
                out.write(all); // one write: headers and body leave together
                out.flush();
                if ("close".equalsIgnoreCase(probe.header("Connection"))) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or sent something that is not HTTP: drop the connection
        } finally {
            open.remove(socket);
        }
    }

    /** One CRLF-terminated line (ISO-8859-1), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
            if (b.length() > 65_536) {
                throw new IOException("header line too long");
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new IOException("truncated chunked body");
            }
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
            if (n == 0) {
                String trailer;
                while ((trailer = line(in)) != null && !trailer.isEmpty()) {
                    // trailers are not used by DynamoDB clients
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line(in);
        }
    }
}
