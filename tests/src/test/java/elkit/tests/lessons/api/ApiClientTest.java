package elkit.tests.lessons.api;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalApi;
import elkit.tests.support.ContractApi;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiClientTest {

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

    @Test
    void fetchesEveryCustomerOnceAndCreatesTheOrder() {
        int ordersBefore = api.orders().size();

        var run = ScriptRun.run("api-client", dir, api.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("Fetched " + LocalApi.CUSTOMERS + " customers")
                .contains("{\"customer_id\":1,\"name\":\"Customer 001\",\"email\":\"customer001@example.com\"}")
                .containsPattern("Order created: 10\\d\\d");
        assertThat(api.requests().stream().filter(r -> r.startsWith("GET /v1/customers")))
                .containsExactly("GET /v1/customers?limit=100&offset=0", "GET /v1/customers?limit=100&offset=100",
                        "GET /v1/customers?limit=100&offset=200", "GET /v1/customers?limit=100&offset=300");
        assertThat(api.orders()).hasSize(ordersBefore + 1);
        assertThat(api.orders().get(ordersBefore).toString())
                .isEqualTo("{\"customer_id\":1,\"order_total\":299.99,\"items\":[\"laptop\",\"mouse\"]}");
    }

    @Test
    void againstAnIndependentServerItPacesItsRequestsAndRetriesThePostWithItsIdempotencyKey() throws Exception {
        try (var other = new ContractApi()) {
            var failedOnce = new AtomicBoolean();
            other.override = request -> request.getMethod().equals("POST") && !failedOnce.getAndSet(true)
                    ? ContractApi.json(503, "{}") : null;

            var run = ScriptRun.run("api-client", dir, other.env());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Fetched 130 customers", "Order created: \"IND-1\"");
            var customers = other.requestsTo("/api/v1/customers");
            assertThat(customers).extracting(r -> r.getUrl().query())
                    .containsExactly("limit=100&offset=0", "limit=100&offset=100", "limit=100&offset=200");
            assertThat(customers).allSatisfy(r ->
                    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + ContractApi.TOKEN));
            // the client-side rate limit: 0.5 s from one answer to the next request, so at least that
            // between two arrivals (a lower bound that follows from cause and effect: not flaky)
            for (int i = 1; i < other.arrivals.size(); i++) {
                assertThat(Duration.ofNanos(other.arrivals.get(i) - other.arrivals.get(i - 1)))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(500));
            }
            var posts = other.requestsTo("/api/v1/orders");
            assertThat(posts).hasSize(2); // a 503, then the retry
            assertThat(posts.get(1).getHeaders().get("Idempotency-Key"))
                    .isNotBlank().isEqualTo(posts.get(0).getHeaders().get("Idempotency-Key"));
            assertThat(run.out() + run.err()).doesNotContain(ContractApi.TOKEN);
        }
    }

    @Test
    void aServerErrorWhilePagingIsOneLineWithTheUrlAndStatus() throws Exception {
        try (var other = new ContractApi()) {
            other.override = request -> "100".equals(request.getUrl().queryParameter("offset"))
                    ? ContractApi.json(403, "{\"error\": \"forbidden\"}") : null;

            var run = ScriptRun.run("api-client", dir, other.env());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).doesNotContain("Fetched");
            assertThat(run.err().lines().toList()).containsExactly("api-client: GET " + other.env().get("API_BASE_URL")
                    + "/customers?limit=100&offset=100 failed: 403 Client Error (run with --verbose for details)");
            assertThat(run.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void withoutEnvItUsesTheDemoApi() {
        var run = ScriptRun.run("api-client", dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("[elkit] API_BASE_URL is not set: started a local demo API (JDK HttpServer) on http://127.0.0.1:")
                .contains("Fetched 250 customers", "Order created: 1001");
    }
}
