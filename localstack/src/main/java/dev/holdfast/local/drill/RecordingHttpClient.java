package dev.holdfast.local.drill;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * A {@link HttpClient} that keeps the last response each thread received as it came over the wire
 * (the generated client reads its answers as models; a drill also needs the exact body). Synchronous
 * {@code send} only: the generated client's blocking operations are what the drills call.
 */
final class RecordingHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final ThreadLocal<HttpResponse<byte[]>> last = new ThreadLocal<>();

    RecordingHttpClient(HttpClient delegate) {
        this.delegate = delegate;
    }

    /** The last response this thread received (and forgets it). */
    HttpResponse<byte[]> takeLast() {
        HttpResponse<byte[]> r = last.get();
        last.remove();
        return r;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = delegate.send(request, HttpResponse.BodyHandlers.ofByteArray());
        last.set(r);
        return new Replayed<>(r, decode(r, handler));
    }

    /** The recorded bytes as {@code handler} would have read them. */
    private static <T> T decode(HttpResponse<byte[]> r, HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpResponse.BodySubscriber<T> s = handler.apply(new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return r.statusCode();
            }

            @Override
            public HttpHeaders headers() {
                return r.headers();
            }

            @Override
            public Version version() {
                return r.version();
            }
        });
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
        s.onNext(List.of(ByteBuffer.wrap(r.body())));
        s.onComplete();
        try {
            return s.getBody().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    private record Replayed<T>(HttpResponse<byte[]> wire, T body) implements HttpResponse<T> {
        @Override
        public int statusCode() {
            return wire.statusCode();
        }

        @Override
        public HttpRequest request() {
            return wire.request();
        }

        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return wire.headers();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return wire.sslSession();
        }

        @Override
        public URI uri() {
            return wire.uri();
        }

        @Override
        public HttpClient.Version version() {
            return wire.version();
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        throw new UnsupportedOperationException("the drills call the generated client's blocking operations");
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        throw new UnsupportedOperationException("the drills call the generated client's blocking operations");
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
