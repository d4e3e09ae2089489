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
    OkHttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();
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

    // ---------------------------------------------------------------- statuses

    @Test
    void raiseForStatusNamesTheMethodTheUrlAndTheStatus() throws Exception {
        server.enqueue(answer(404, "{\"error\": \"nope\"}"));

        try (Response response = get("/missing")) {
            assertThat(response.code()).isEqualTo(404);
            assertThatThrownBy(() -> Http.raiseForStatus(response))
                    .isInstanceOf(Http.StatusException.class)
                    .hasMessage("GET " + server.url("/missing") + " failed: 404 Client Error")
                    .satisfies(e -> assertThat(((Http.StatusException) e).status()).isEqualTo(404));
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
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

        var items = Http.pagesByNumber(Http.send(client), new Request.Builder().url(server.url("/items")).build(), "page", "results", 100);

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

        var items = Http.pagesByOffset(Http.send(client), new Request.Builder().url(server.url("/customers")).build(), 10, "customers", 100);

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

        var items = Http.pagesByCursor(Http.send(client), new Request.Builder().url(server.url("/events")).build(),
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

        var items = Http.pagesByLinkHeader(Http.send(client), new Request.Builder().url(server.url("/repos")).build(), null, 100);

        assertThat(ids(items)).isEqualTo(oneTo(9));
    }

    @Test
    void aServerThatReturnsTheSamePageForeverIsStoppedByTheGuard() {
        serveItems(request -> answer(200, itemsJson("results", 1, 10, "")));

        assertThatThrownBy(() -> Http.pagesByNumber(Http.send(client), new Request.Builder().url(server.url("/items")).build(),
                "page", "results", 1000))
                .isInstanceOf(Http.RunawayPagination.class)
                .hasMessage("GET " + server.url("/items") + ": page=2 returned the same items as an earlier page"
                        + " (the server ignores the paging parameters?); stopped after 1 pages");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aRepeatedCursorIsStopped() {
        serveItems(request -> answer(200, itemsJson("data", 1, 2, ", \"next_cursor\": \"same\"")));

        assertThatThrownBy(() -> Http.pagesByCursor(Http.send(client), new Request.Builder().url(server.url("/events")).build(),
                "cursor", "data", "/next_cursor", 1000))
                .isInstanceOf(Http.RunawayPagination.class)
                .hasMessageContaining("cursor=same came back a second time");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aLinkHeaderPointingBackIsStopped() {
        serveItems(request -> new MockResponse.Builder().code(200).body("[{\"id\": 1}]")
                .addHeader("Link", "<" + server.url("/repos") + ">; rel=\"next\"").build());

        assertThatThrownBy(() -> Http.pagesByLinkHeader(Http.send(client), new Request.Builder().url(server.url("/repos")).build(), null, 1000))
                .isInstanceOf(Http.RunawayPagination.class)
                .hasMessageContaining(server.url("/repos") + " came back a second time");
    }

    @Test
    void thePageCapStopsEndlessDistinctPages() {
        serveItems(request -> {
            int page = Integer.parseInt(request.getUrl().queryParameter("page"));
            return answer(200, itemsJson("results", page, page, ""));
        });

        assertThatThrownBy(() -> Http.pagesByNumber(Http.send(client), new Request.Builder().url(server.url("/items")).build(),
                "page", "results", 5))
                .isInstanceOf(Http.RunawayPagination.class)
                .hasMessageContaining("stopped after 5 pages (the page cap)");
        assertThat(server.getRequestCount()).isEqualTo(6);
    }
}
