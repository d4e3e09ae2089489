package elkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** elkit.Http against MockWebServer: a real HTTP server on 127.0.0.1 whose answers each test scripts. */
class HttpTest {

    MockWebServer server;
    final List<String> log = new CopyOnWriteArrayList<>();

    /** Fast backoff so that retry tests take milliseconds; Retry-After tests wait for real. */
    OkHttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        client = Http.client(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(20),
                Http.Retry.standard().withBackoff(Duration.ofMillis(10)).withLog(log::add));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static MockResponse answer(int code, String body) {
        return new MockResponse.Builder().code(code).body(body).addHeader("Content-Type", "application/json").build();
    }

    Response get(String path) throws IOException {
        return client.newCall(new Request.Builder().url(server.url(path)).build()).execute();
    }

    // ---------------------------------------------------------------- retries and statuses

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
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).startsWith("retry 1/3 in 0.0 s: GET " + server.url("/data") + " answered 503");
    }

    @Test
    void aPersistent5xxEndsWithAnErrorNamingTheUrlAndTheStatus() {
        for (int i = 0; i < 4; i++) server.enqueue(answer(500, "{}"));

        assertThatThrownBy(() -> get("/data?x=1").close())
                .isInstanceOf(Http.RetriesExhausted.class)
                .hasMessage("GET " + server.url("/data?x=1") + " failed: 500 Server Error after 3 retries");
        assertThat(server.getRequestCount()).isEqualTo(4); // the first try and 3 retries
    }

    @Test
    void a4xxOtherThan429IsNotRetriedAndRaiseForStatusNamesIt() throws Exception {
        server.enqueue(answer(404, "{\"error\": \"nope\"}"));
        server.enqueue(answer(200, "{}"));

        try (Response response = get("/missing")) {
            assertThat(response.code()).isEqualTo(404);
            assertThatThrownBy(() -> Http.raiseForStatus(response))
                    .isInstanceOf(Http.StatusException.class)
                    .hasMessage("GET " + server.url("/missing") + " failed: 404 Client Error")
                    .satisfies(e -> assertThat(((Http.StatusException) e).status()).isEqualTo(404));
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
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

        assertThatThrownBy(() -> get("/limited").close())
                .isInstanceOf(Http.RetriesExhausted.class)
                .hasMessage("GET " + server.url("/limited") + " failed: 429 Client Error, and the server asks to retry"
                        + " after 3600 s, longer than this client waits (120 s)");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aPostIsNotRetriedWithoutAnIdempotencyKey() throws Exception {
        server.enqueue(answer(503, "{}"));
        server.enqueue(answer(201, "{\"order_id\": 1}"));

        var post = new Request.Builder().url(server.url("/orders")).post(Http.json(Map.of("a", 1))).build();
        try (Response response = client.newCall(post).execute()) {
            assertThat(response.code()).isEqualTo(503);
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aPostWithAnIdempotencyKeyIsRetriedWithTheSameKeyAndBody() throws Exception {
        server.enqueue(answer(503, "{}"));
        server.enqueue(answer(201, "{\"order_id\": 1}"));

        var post = new Request.Builder().url(server.url("/orders")).header(Http.IDEMPOTENCY_KEY, "key-1")
                .post(Http.json(Map.of("customer_id", 101))).build();
        try (Response response = client.newCall(post).execute()) {
            assertThat(response.code()).isEqualTo(201);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
        server.takeRequest();
        RecordedRequest retried = server.takeRequest();
        assertThat(retried.getHeaders().get(Http.IDEMPOTENCY_KEY)).isEqualTo("key-1");
        assertThat(retried.getBody().utf8()).isEqualTo("{\"customer_id\":101}");
    }

    @Test
    void connectionErrorsAreRetriedThenNamedWithTheUrl() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/data";

        assertThatThrownBy(() -> client.newCall(new Request.Builder().url(url).build()).execute().close())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("GET " + url + ": Failed to connect to")
                .hasMessageEndingWith("(after 3 retries)");
        assertThat(log).hasSize(3).allSatisfy(line -> assertThat(line).contains("GET " + url + " failed: "));
    }

    // ---------------------------------------------------------------- timeouts

    @Test
    void aSlowServerIsAReadTimeoutWithinTheBound() {
        server.enqueue(new MockResponse.Builder().body("{}").headersDelay(5, TimeUnit.SECONDS).build());
        OkHttpClient hasty = Http.client(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(20),
                Http.Retry.standard());

        long started = System.nanoTime();
        assertThatThrownBy(() -> hasty.newCall(new Request.Builder().url(server.url("/slow")).build()).execute().close())
                .isInstanceOf(Http.Timeout.class)
                .hasMessage("GET " + server.url("/slow") + ": no answer within 0.5 s (read timeout)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(server.getRequestCount()).isEqualTo(1); // a timeout is not retried
    }

    @Test
    void theCallTimeoutBoundsTheWholeCallAndSaysSo() {
        server.enqueue(new MockResponse.Builder().body("{}").headersDelay(5, TimeUnit.SECONDS).build());
        OkHttpClient bounded = Http.client(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(700),
                Http.Retry.standard());

        long started = System.nanoTime();
        assertThatThrownBy(() -> bounded.newCall(new Request.Builder().url(server.url("/slow")).build()).execute().close())
                .isInstanceOf(InterruptedIOException.class)
                .hasMessage("timeout") // OkHttp's own exception; ours, the cause, says what and how long
                .cause().isInstanceOf(Http.Timeout.class).hasNoCause().hasMessage("GET " + server.url("/slow") + ": no complete answer within 0.7 s (call timeout, retries included)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    // ---------------------------------------------------------------- JSON

    @Test
    void malformedJsonNamesTheUrlAndThePosition() throws Exception {
        server.enqueue(answer(200, "{\"customers\": [1, 2,, 3]}"));

        try (Response response = get("/customers")) {
            assertThatThrownBy(() -> Http.readJson(response))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("GET " + server.url("/customers") + " answered 200 with malformed JSON at line 1, column 21: ")
                    .hasMessageEndingWith("(body starts with: '{\"customers\": [1, 2,, 3]}')");
        }
    }

    @Test
    void jsonWritesAMapAsTheRequestBody() throws Exception {
        server.enqueue(answer(201, "{}"));
        var payload = new java.util.LinkedHashMap<String, Object>();
        payload.put("customer_id", 101);
        payload.put("items", List.of("laptop", "mouse"));

        client.newCall(new Request.Builder().url(server.url("/orders")).post(Http.json(payload)).build()).execute().close();

        RecordedRequest request = server.takeRequest();
        assertThat(request.getBody().utf8()).isEqualTo("{\"customer_id\":101,\"items\":[\"laptop\",\"mouse\"]}");
        assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
    }

    // ---------------------------------------------------------------- pagination

    /** A server with {@code total} items, numbered from 1, paged by {@code pageOf(request)}. */
    void serveItems(Function<RecordedRequest, MockResponse> dispatch) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return dispatch.apply(request);
            }
        });
    }

    static String itemsJson(String field, int from, int to, String extra) {
        var ids = IntStream.rangeClosed(from, to).mapToObj(i -> "{\"id\": " + i + "}").toList();
        return "{\"" + field + "\": [" + String.join(", ", ids) + "]" + extra + "}";
    }

    static List<Integer> ids(List<JsonNode> items) {
        return items.stream().map(item -> item.get("id").asInt()).toList();
    }

    static List<Integer> oneTo(int n) {
        return IntStream.rangeClosed(1, n).boxed().toList();
    }

    @Test
    void pageNumbersCollectEveryItemExactlyOnce() throws Exception {
        serveItems(request -> {
            int page = Integer.parseInt(request.getUrl().queryParameter("page"));
            int from = (page - 1) * 10 + 1;
            return answer(200, itemsJson("results", from, Math.min(page * 10, 25), ""));
        });

        var items = Http.pagesByNumber(client, new Request.Builder().url(server.url("/items")).build(), "page", "results", 100);

        assertThat(ids(items)).isEqualTo(oneTo(25));
        assertThat(server.getRequestCount()).isEqualTo(4); // 3 pages and the empty one
    }

    @Test
    void offsetAndLimitCollectEveryItemExactlyOnce() throws Exception {
        serveItems(request -> {
            int limit = Integer.parseInt(request.getUrl().queryParameter("limit"));
            int offset = Integer.parseInt(request.getUrl().queryParameter("offset"));
            return answer(200, itemsJson("customers", offset + 1, Math.min(offset + limit, 23), ""));
        });

        var items = Http.pagesByOffset(client, new Request.Builder().url(server.url("/customers")).build(), 10, "customers", 100);

        assertThat(ids(items)).isEqualTo(oneTo(23));
    }

    @Test
    void aCursorCollectsEveryItemExactlyOnce() throws Exception {
        serveItems(request -> {
            String cursor = request.getUrl().queryParameter("cursor");
            return switch (cursor == null ? "" : cursor) {
                case "" -> answer(200, itemsJson("data", 1, 5, ", \"next_cursor\": \"b\""));
                case "b" -> answer(200, itemsJson("data", 6, 10, ", \"next_cursor\": \"c\""));
                case "c" -> answer(200, itemsJson("data", 11, 12, ", \"next_cursor\": null"));
                default -> answer(400, "{}");
            };
        });

        var items = Http.pagesByCursor(client, new Request.Builder().url(server.url("/events")).build(),
                "cursor", "data", "/next_cursor", 100);

        assertThat(ids(items)).isEqualTo(oneTo(12));
    }

    @Test
    void theLinkHeaderIsFollowedAndCollectsEveryItemExactlyOnce() throws Exception {
        serveItems(request -> {
            int page = request.getUrl().queryParameter("page") == null ? 1 : Integer.parseInt(request.getUrl().queryParameter("page"));
            var builder = new MockResponse.Builder().code(200)
                    .body("[" + String.join(",", IntStream.rangeClosed(page * 3 - 2, page * 3).mapToObj(i -> "{\"id\":" + i + "}").toList()) + "]");
            if (page < 3) {
                builder.addHeader("Link", "<" + server.url("/repos?page=" + (page + 1)) + ">; rel=\"next\", <"
                        + server.url("/repos?page=3") + ">; rel=\"last\"");
            }
            return builder.build();
        });

        var items = Http.pagesByLinkHeader(client, new Request.Builder().url(server.url("/repos")).build(), null, 100);

        assertThat(ids(items)).isEqualTo(oneTo(9));
    }

    @Test
    void aServerThatReturnsTheSamePageForeverIsStoppedByTheGuard() {
        serveItems(request -> answer(200, itemsJson("results", 1, 10, "")));

        assertThatThrownBy(() -> Http.pagesByNumber(client, new Request.Builder().url(server.url("/items")).build(),
                "page", "results", 1000))
                .isInstanceOf(Http.RunawayPagination.class)
                .hasMessage("GET " + server.url("/items") + ": page=2 returned the same items as an earlier page"
                        + " (the server ignores the paging parameters?); stopped after 1 pages");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aRepeatedCursorIsStopped() {
        serveItems(request -> answer(200, itemsJson("data", 1, 2, ", \"next_cursor\": \"same\"")));

        assertThatThrownBy(() -> Http.pagesByCursor(client, new Request.Builder().url(server.url("/events")).build(),
                "cursor", "data", "/next_cursor", 1000))
                .isInstanceOf(Http.RunawayPagination.class)
                .hasMessageContaining("cursor=same came back a second time");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aLinkHeaderPointingBackIsStopped() {
        serveItems(request -> new MockResponse.Builder().code(200).body("[{\"id\": 1}]")
                .addHeader("Link", "<" + server.url("/repos") + ">; rel=\"next\"").build());

        assertThatThrownBy(() -> Http.pagesByLinkHeader(client, new Request.Builder().url(server.url("/repos")).build(), null, 1000))
                .isInstanceOf(Http.RunawayPagination.class)
                .hasMessageContaining(server.url("/repos") + " came back a second time");
    }

    @Test
    void thePageCapStopsEndlessDistinctPages() {
        serveItems(request -> {
            int page = Integer.parseInt(request.getUrl().queryParameter("page"));
            return answer(200, itemsJson("results", page, page, ""));
        });

        assertThatThrownBy(() -> Http.pagesByNumber(client, new Request.Builder().url(server.url("/items")).build(),
                "page", "results", 5))
                .isInstanceOf(Http.RunawayPagination.class)
                .hasMessageContaining("stopped after 5 pages (the page cap)");
        assertThat(server.getRequestCount()).isEqualTo(6);
    }

    @Test
    void retryAfterParsesSecondsAndDates() throws Exception {
        var seen = new ArrayList<Duration>();
        server.enqueue(new MockResponse.Builder().addHeader("Retry-After", "7").build());
        server.enqueue(new MockResponse.Builder().addHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT").build());
        server.enqueue(new MockResponse.Builder().addHeader("Retry-After", "soon").build());
        for (int i = 0; i < 3; i++) {
            try (Response response = get("/")) {
                seen.add(Http.retryAfter(response));
            }
        }
        assertThat(seen).containsExactly(Duration.ofSeconds(7), Duration.ZERO, null);
    }
}
