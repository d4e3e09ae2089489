package elkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.okhttp.FailsafeCall;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failsafe's RetryPolicy, built as the api-retries lesson builds it, with the {@link Retries} adapters,
 * against MockWebServer: a real HTTP server on 127.0.0.1 whose answers each test scripts.
 */
class RetriesTest {

    static final Set<Integer> STATUS_FORCELIST = Set.of(429, 500, 502, 503, 504);

    MockWebServer server;
    final List<String> log = new CopyOnWriteArrayList<>();
    OkHttpClient http;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        // OkHttp's own silent retry of a failed connection is off, so that every retry here is the policy's
        http = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2))
                .retryOnConnectionFailure(false).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The lesson's policy; a fast backoff so that retry tests take milliseconds (Retry-After tests wait for real). */
    RetryPolicy<Response> policy(Duration backoff) {
        return RetryPolicy.<Response>builder()
                .withMaxRetries(3)
                .withBackoff(backoff, backoff.multipliedBy(8))
                .handleResultIf(response -> STATUS_FORCELIST.contains(response.code()))
                .handleIf(Retries::isDroppedConnection)
                .abortIf(response -> !Retries.isIdempotent(response.request()))
                .withDelayFn(Retries::retryAfterHeader)
                .abortIf(Retries::asksToWaitTooLong)
                .onRetryScheduled(event -> log.add(Retries.describe(event, 3)))
                .build();
    }

    Response send(Request request, Duration wholeCall) throws IOException {
        return FailsafeCall.with(Retries.raiseWhenExhausted(STATUS_FORCELIST),
                        Timeout.<Response>builder(wholeCall).withInterrupt().build(), policy(Duration.ofMillis(10)))
                .compose(http.newCall(request)).execute();
    }

    Response get(String path) throws IOException {
        return send(new Request.Builder().url(server.url(path)).build(), Duration.ofSeconds(20));
    }

    static MockResponse answer(int code, String body) {
        return new MockResponse.Builder().code(code).body(body).addHeader("Content-Type", "application/json").build();
    }

    @Test
    void retriesA503ThenReturnsTheSuccess() throws Exception {
        server.enqueue(answer(503, "{}"));
        server.enqueue(answer(502, "{}"));
        server.enqueue(answer(200, "{\"ok\": true}"));

        try (Response response = get("/data")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(Http.readJson(response).get("ok").asBoolean()).isTrue();
        }
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(log).containsExactly(
                "retry 1/3 in 0.0 s: GET " + server.url("/data") + " answered 503 Server Error",
                "retry 2/3 in 0.0 s: GET " + server.url("/data") + " answered 502 Server Error");
    }

    @Test
    void theBackoffDoublesLikeUrllib3sBackoffFactor() throws Exception {
        for (int i = 0; i < 3; i++) server.enqueue(answer(503, "{}"));
        server.enqueue(answer(200, "{}"));

        try (Response response = FailsafeCall.with(policy(Duration.ofMillis(100))).compose(http.newCall(
                new Request.Builder().url(server.url("/data")).build())).execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(log).extracting(line -> line.substring(0, line.indexOf(':')))
                .containsExactly("retry 1/3 in 0.1 s", "retry 2/3 in 0.2 s", "retry 3/3 in 0.4 s");
    }

    @Test
    void aPersistent5xxEndsWithAnErrorNamingTheUrlTheStatusAndTheAttempts() {
        for (int i = 0; i < 5; i++) server.enqueue(answer(500, "{}"));

        assertThatThrownBy(() -> get("/data?x=1").close())
                .isInstanceOf(Http.StatusException.class)
                .hasMessage("GET " + server.url("/data?x=1") + " failed: 500 Server Error after 4 attempts")
                .satisfies(e -> assertThat(((Http.StatusException) e).status()).isEqualTo(500));
        assertThat(server.getRequestCount()).isEqualTo(4); // the first try and 3 retries
    }

    @Test
    void a4xxOtherThan429IsNotRetried() throws Exception {
        server.enqueue(answer(404, "{\"error\": \"nope\"}"));
        server.enqueue(answer(200, "{}"));

        try (Response response = get("/missing")) {
            assertThat(response.code()).isEqualTo(404);
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(log).isEmpty();
    }

    @Test
    void retryAfterInSecondsIsWaitedAtLeast() throws Exception {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build());
        server.enqueue(answer(200, "{}"));

        long started = System.nanoTime();
        try (Response response = get("/limited")) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(log).singleElement().asString().startsWith("retry 1/3 in 1 s (Retry-After): GET ");
    }

    @Test
    void retryAfterAsAnHttpDateIsWaitedUntil() throws Exception {
        Instant retryAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        var arrivals = new CopyOnWriteArrayList<Instant>();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                arrivals.add(Instant.now());
                return arrivals.size() == 1
                        ? new MockResponse.Builder().code(503).addHeader("Retry-After",
                                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(retryAt, ZoneOffset.UTC))).build()
                        : answer(200, "{}");
            }
        });

        try (Response response = get("/busy")) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(arrivals).hasSize(2);
        assertThat(arrivals.get(1)).isAfterOrEqualTo(retryAt);
    }

    @Test
    void aRetryAfterLongerThanTheClientWaitsGivesUpAtOnce() {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3600").build());

        long started = System.nanoTime();
        assertThatThrownBy(() -> get("/limited").close())
                .isInstanceOf(Http.StatusException.class)
                .hasMessage("GET " + server.url("/limited") + " failed: 429 Client Error, and the server asks to retry"
                        + " after 3600 s, longer than this client waits (120 s)");
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aPostIsNotRetriedWithoutAnIdempotencyKey() {
        server.enqueue(answer(503, "{}"));
        server.enqueue(answer(201, "{\"order_id\": 1}"));

        var post = new Request.Builder().url(server.url("/orders")).post(Http.json(Map.of("a", 1))).build();
        assertThatThrownBy(() -> send(post, Duration.ofSeconds(20)).close())
                .isInstanceOf(Http.StatusException.class)
                .hasMessage("POST " + server.url("/orders") + " failed: 503 Server Error (not retried: a POST without an"
                        + " Idempotency-Key may already have been applied)");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aPostWithAnIdempotencyKeyIsRetriedWithTheSameKeyAndBody() throws Exception {
        server.enqueue(answer(503, "{}"));
        server.enqueue(answer(201, "{\"order_id\": 1}"));

        var post = new Request.Builder().url(server.url("/orders")).header(Retries.IDEMPOTENCY_KEY, "key-1")
                .post(Http.json(Map.of("customer_id", 101))).build();
        try (Response response = send(post, Duration.ofSeconds(20))) {
            assertThat(response.code()).isEqualTo(201);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
        server.takeRequest();
        RecordedRequest retried = server.takeRequest();
        assertThat(retried.getHeaders().get(Retries.IDEMPOTENCY_KEY)).isEqualTo("key-1");
        assertThat(retried.getBody().utf8()).isEqualTo("{\"customer_id\":101}");
    }

    @Test
    void aDroppedConnectionIsRetriedThenNamedWithTheAttempts() throws Exception {
        for (int i = 0; i < 2; i++) {
            server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket(true, false, false)).build());
        }
        server.enqueue(answer(200, "{\"ok\": true}"));

        try (Response response = get("/data")) {
            assertThat(response.code()).isEqualTo(200);
        }
        // OkHttp's message names the host and port; Failsafe's event does not carry the request itself
        String hostAndPort = server.url("/").host() + ":" + server.getPort();
        assertThat(log).containsExactly("retry 1/3 in 0.0 s: unexpected end of stream on http://" + hostAndPort + "/...",
                "retry 2/3 in 0.0 s: unexpected end of stream on http://" + hostAndPort + "/...");

        log.clear();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                // a dispatcher answers after reading the request: drop the connection before the answer
                return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket(true, false, false)).build();
            }
        });
        assertThatThrownBy(() -> get("/data").close())
                .isInstanceOf(IOException.class)
                .hasMessage("unexpected end of stream on http://" + hostAndPort + "/... after 4 attempts");
        assertThat(log).hasSize(3);
    }

    @Test
    void aRefusedConnectionIsNotRetried() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var request = new Request.Builder().url("http://127.0.0.1:" + closedPort + "/data").build();

        long started = System.nanoTime();
        assertThatThrownBy(() -> send(request, Duration.ofSeconds(20)).close())
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort);
        assertThat(log).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aSlowServerIsAReadTimeoutThatIsNotRetried() {
        server.enqueue(new MockResponse.Builder().body("{}").headersDelay(5, TimeUnit.SECONDS).build());
        http = http.newBuilder().readTimeout(Duration.ofMillis(500)).build();

        long started = System.nanoTime();
        assertThatThrownBy(() -> get("/slow").close()).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(log).isEmpty();
    }

    @Test
    void theTimeoutPolicyBoundsTheWholeCallRetriesIncludedAndSaysSo() {
        // every answer is a 503 asking to come back in 1 s: only the whole-call bound can stop it early
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().code(503).addHeader("Retry-After", "1").build();
            }
        });

        long started = System.nanoTime();
        assertThatThrownBy(() -> send(new Request.Builder().url(server.url("/busy")).build(), Duration.ofMillis(1500)).close())
                .isInstanceOf(InterruptedIOException.class)
                .hasMessage("no complete answer within 1.5 s (the whole call, retries included)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2800));
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void theTimeoutPolicyCutsASlowAttemptShort() {
        server.enqueue(new MockResponse.Builder().body("{}").headersDelay(5, TimeUnit.SECONDS).build());
        http = http.newBuilder().readTimeout(Duration.ofSeconds(10)).build();

        long started = System.nanoTime();
        assertThatThrownBy(() -> send(new Request.Builder().url(server.url("/slow")).build(), Duration.ofMillis(700)).close())
                .isInstanceOf(InterruptedIOException.class)
                .hasMessage("no complete answer within 0.7 s (the whole call, retries included)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void retryAfterParsesSecondsAndDates() throws Exception {
        var seen = new ArrayList<Duration>();
        server.enqueue(new MockResponse.Builder().addHeader("Retry-After", "7").build());
        server.enqueue(new MockResponse.Builder().addHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT").build());
        server.enqueue(new MockResponse.Builder().addHeader("Retry-After", "soon").build());
        for (int i = 0; i < 3; i++) {
            try (Response response = http.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
                seen.add(Retries.retryAfter(response));
            }
        }
        assertThat(seen).containsExactly(Duration.ofSeconds(7), Duration.ZERO, null);
    }

    @Test
    void idempotentMethodsAndKeyedPostsMayBeRepeated() {
        var url = server.url("/x");
        assertThat(Retries.isIdempotent(new Request.Builder().url(url).build())).isTrue();
        assertThat(Retries.isIdempotent(new Request.Builder().url(url).delete().build())).isTrue();
        assertThat(Retries.isIdempotent(new Request.Builder().url(url).post(Http.json(Map.of())).build())).isFalse();
        assertThat(Retries.isIdempotent(new Request.Builder().url(url).patch(Http.json(Map.of())).build())).isFalse();
        assertThat(Retries.isIdempotent(new Request.Builder().url(url).header(Retries.IDEMPOTENCY_KEY, "k")
                .post(Http.json(Map.of())).build())).isTrue();
    }
}
