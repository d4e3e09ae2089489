package elkit.tests.lessons.api;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalApi;
import elkit.tests.support.ContractApi;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiRetriesTest {

    static LocalApi api;

    @TempDir
    Path dir;

    @BeforeAll
    static void startApi() {
        api = LocalApi.start();
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    long count(String prefix) {
        return api.requests().stream().filter(r -> r.startsWith(prefix)).count();
    }

    @Test
    void againstTheDemoApiEveryFaultIsHandledAsTheChapterSays() {
        var run = ScriptRun.run("api-retries", dir, api.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        String base = api.url() + "/v1";
        assertThat(run.out())
                .doesNotContain("is not set: started")
                // the chapter's comment (1, 2, 4 s) against what urllib3 really sleeps (0, 2, 4 s), said plainly
                .contains("(the chapter's comment says 1, 2, 4 s; urllib3's Retry sleeps backoff_factor * 2^(n-1)"
                        + " before retry n >= 2 and none before the first: 0 s, 2 s, 4 s. The lesson follows the comment)")
                // 503 twice, then 200: two retries with backoff 1 s then 2 s
                .containsPattern("retry 1/3 in 1 s: GET " + base + "/data\\?fail=503&times=2&fault_id=\\w+-503 answered 503 Service Unavailable")
                .containsPattern("retry 2/3 in 2 s: GET " + base + "/data\\?fail=503\\S* answered 503 Service Unavailable")
                .contains("Got 3 rows")
                // 429 with Retry-After: 1
                .containsPattern("retry 1/3 in 1 s \\(Retry-After\\): GET " + base + "/data\\?fail=429\\S* answered 429 Too Many Requests")
                .containsPattern("-> 200 after 1\\.\\d s")
                // 404 not retried; persistent 500 ends in an error naming URL and status
                .contains("Request failed: GET " + base + "/no-such-endpoint failed: 404 Not Found")
                .contains("Request failed: GET " + base + "/data?fail=500 failed: 500 Internal Server Error after 4 attempts")
                // the read timeout
                .contains("Timed out: GET " + base + "/products?slow_ms=3000: no answer within 1 s (read timeout)")
                // pagination
                .contains("Fetched 42 items: {\"id\":1,\"name\":\"item-01\"} ... {\"id\":42,\"name\":\"item-42\"}")
                .contains("Http.pagesByNumber fetched 42 items, the same: true");
        // what the server received: each fault was retried exactly as often as the policy says
        assertThat(count("GET /v1/data?fail=503")).isEqualTo(3);
        assertThat(count("GET /v1/data?fail=429")).isEqualTo(2);
        assertThat(count("GET /v1/no-such-endpoint")).isEqualTo(1);
        assertThat(count("GET /v1/data?fail=500")).isEqualTo(4);
        assertThat(count("GET /v1/products?slow_ms=3000")).isEqualTo(1);
        for (int page = 1; page <= 6; page++) {
            assertThat(count("GET /v1/items?page=" + page)).as("page " + page).isEqualTo(2); // both paginators
        }
        assertThat(count("GET /v1/items?page=7")).isZero(); // the empty page 6 ends the list
    }

    @Test
    void anApiThatIsNotThereIsOneLineAtOnceNotHalfAMinuteOfRetries() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String baseUrl = "http://127.0.0.1:" + closedPort + "/v1";

        var run = ScriptRun.run("api-retries", dir, Map.of("API_BASE_URL", baseUrl, "API_TOKEN", "secret-token-1"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).doesNotContain("retry 1/3").doesNotContain("Request failed");
        assertThat(run.err().lines().toList()).singleElement().asString()
                .startsWith("api-retries: cannot connect to the API at " + baseUrl + " (Failed to connect to ")
                .endsWith("): is it running? Check API_BASE_URL");
        assertThat(run.out() + run.err()).doesNotContain("secret-token-1");
    }

    @Test
    void anIndependentImplementationWithoutFaultsWorksToo() throws Exception {
        try (var other = new ContractApi()) {
            var run = ScriptRun.run("api-retries", dir, other.env());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out())
                    .doesNotContain("retry 1/3")
                    .contains("Got 1 rows: [{\"source\":\"independent\"}]")
                    .contains("-> 200 (this server does not inject faults)")
                    .contains("-> 200 in time (this server does not inject delays)")
                    .contains("Fetched 20 items: {\"id\":1} ... {\"id\":20}")
                    .contains("Http.pagesByNumber fetched 20 items, the same: true");
            assertThat(other.requestsTo("/api/v1/items")).hasSize(2 * 4); // 3 pages and the empty one, twice
        }
    }

    @Test
    void aPageRateLimitedWithALongRetryAfterIsWaitedForAndTheListArrivesWhole() throws Exception {
        try (var other = new ContractApi()) {
            // 100 items, 10 a page; page 3 answers 429 with Retry-After: 2 the first time only (the demo API's fault uses 1 s)
            var limitedOnce = new java.util.concurrent.atomic.AtomicBoolean();
            other.override = request -> {
                if (!request.getUrl().encodedPath().endsWith("/items")) return null;
                int page = Integer.parseInt(request.getUrl().queryParameter("page"));
                if (page == 3 && limitedOnce.compareAndSet(false, true)) {
                    return new mockwebserver3.MockResponse.Builder().code(429).addHeader("Retry-After", "2")
                            .addHeader("Content-Type", "application/json").body("{\"error\": \"slow down\"}").build();
                }
                return ContractApi.json(200, "{\"results\": [" + java.util.stream.IntStream.rangeClosed(page * 10 - 9, Math.min(page * 10, 100))
                        .mapToObj(i -> "{\"id\": " + i + "}").collect(java.util.stream.Collectors.joining(", ")) + "]}");
            };

            var run = ScriptRun.run("api-retries", dir, other.env());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String items = other.env().get("API_BASE_URL") + "/items";
            assertThat(run.out())
                    .contains("retry 1/3 in 2 s (Retry-After): GET " + items + "?page=3 answered 429") // MockWebServer words it "Client Error"
                    .contains("Fetched 100 items: {\"id\":1} ... {\"id\":100}")
                    .contains("Http.pagesByNumber fetched 100 items, the same: true");
            // what the server saw: page 3 twice (the 429, then the retry) in the first paginator, and the retry
            // came at least the 2 s the server asked for after the 429 (timestamps of the server's own arrivals)
            List<Integer> order = new java.util.ArrayList<>();
            List<Long> times = new java.util.ArrayList<>();
            for (int i = 0; i < other.requests.size(); i++) {
                var request = other.requests.get(i);
                if (!request.getUrl().encodedPath().endsWith("/items")) continue;
                order.add(Integer.parseInt(request.getUrl().queryParameter("page")));
                times.add(other.arrivals.get(i));
            }
            assertThat(order.subList(0, 12)).containsExactly(1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11); // 11: the empty page ends it
            assertThat(order).hasSize(12 + 11); // and pagesByNumber's 11 pages, none limited
            long waitedMillis = (times.get(3) - times.get(2)) / 1_000_000;
            assertThat(waitedMillis).as("ms between the 429 on page 3 and its retry").isGreaterThanOrEqualTo(2000);
        }
    }

    @Test
    void aServerThatRepeatsThePageForeverIsStoppedByTheGuard() throws Exception {
        try (var other = new ContractApi()) {
            other.override = request -> request.getUrl().encodedPath().endsWith("/items")
                    ? ContractApi.json(200, "{\"results\": [{\"id\": 1}, {\"id\": 2}]}") : null;

            var run = ScriptRun.run("api-retries", dir, other.env());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).containsExactly("api-retries: GET " + other.env().get("API_BASE_URL")
                    + "/items: page 2 returned the same items as an earlier page (the server ignores the paging"
                    + " parameters?); stopped after 1 pages (run with --verbose for details)");
            assertThat(other.requestsTo("/api/v1/items")).hasSize(2);
        }
    }

    @Test
    void aPaginatedEndpointThatAnswersNonJsonIsOneLineNamingTheUrl() throws Exception {
        try (var other = new ContractApi()) {
            other.override = request -> request.getUrl().encodedPath().endsWith("/items")
                    ? ContractApi.json(200, "<html>maintenance</html>") : null;

            var run = ScriptRun.run("api-retries", dir, other.env());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).singleElement().asString()
                    .startsWith("api-retries: GET " + other.env().get("API_BASE_URL") + "/items?page=1 answered 200 with malformed JSON")
                    .endsWith("(body starts with: '<html>maintenance</html>') (run with --verbose for details)");
            assertThat(run.err()).doesNotContain("\tat ");
        }
    }
}
