package elkit.tests.lessons.api;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalApi;
import elkit.tests.support.ContractApi;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiRequestsTest {

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
    void withoutEnvItStartsTheDemoApiAndUsesThePokeApiFixture() {
        var run = ScriptRun.run("api-requests", dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().lines().findFirst().orElseThrow())
                .matches("\\[elkit\\] API_BASE_URL is not set: started a local demo API \\(JDK HttpServer\\) on http://127\\.0\\.0\\.1:\\d+ in [\\d.]+ s; it stops at the end");
        assertThat(run.out())
                .containsPattern("POKEAPI_BASE_URL=http://127\\.0\\.0\\.1:\\d+/api/v2") // the fixture, not the internet
                .contains("/pokemon/1 -> 200\nbulbasaur\n")
                .contains("9 products", "Laptop Pro 14")
                .contains("with Authorization: Bearer ****")
                .contains("Order created: 1001")
                .doesNotContain("demo-"); // the demo token is never printed
    }

    @Test
    void againstAServerGivenByEnvItSendsEachRequestAndLeavesTheOrderBehind() {
        var run = ScriptRun.run("api-requests", dir, api.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).doesNotContain("is not set: started")
                .contains("API_BASE_URL=" + api.url() + "/v1  API_TOKEN=****")
                .contains("bulbasaur", "\"orders\":42").doesNotContain(api.env().get("API_TOKEN"));
        assertThat(api.requests()).containsSubsequence(
                "GET /api/v2/pokemon/1",
                "GET /v1/products?limit=10&offset=0&category=electronics",
                "GET /v1/data",
                "POST /v1/orders");
        assertThat(api.orders()).anySatisfy(order -> assertThat(order.toString())
                .isEqualTo("{\"customer_id\":101,\"order_total\":299.99,\"items\":[\"laptop\",\"mouse\"]}"));
    }

    @Test
    void aMissingTokenGivesA401MessageThatNamesApiToken() {
        var env = new HashMap<>(api.env());
        env.remove("API_TOKEN");

        var run = ScriptRun.run("api-requests", dir, env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("api-requests: GET " + api.url()
                + "/v1/data answered 401 Unauthorized: API_TOKEN is not set (export API_TOKEN=<your token>)");
        assertThat(run.out()).contains("Authorization: Bearer (not set)");
    }

    @Test
    void aWrongTokenIsRejectedWithoutPrintingIt() {
        var env = new HashMap<>(api.env());
        env.put("API_TOKEN", "wrong-secret-value");

        var run = ScriptRun.run("api-requests", dir, env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("api-requests: GET " + api.url()
                + "/v1/data answered 401 Unauthorized: the server rejected the token in API_TOKEN");
        assertThat(run.out() + run.err()).doesNotContain("wrong-secret-value");
    }

    @Test
    void anIndependentImplementationOfTheContractWorksToo() throws Exception {
        try (var other = new ContractApi()) {
            var run = ScriptRun.run("api-requests", dir, other.env());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("bulbasaur", "77  Independent Gadget  5.5", "independent",
                    "Order created: \"IND-1\"");
            var post = other.requestsTo("/api/v1/orders");
            assertThat(post).hasSize(1);
            assertThat(post.get(0).getBody().utf8())
                    .isEqualTo("{\"customer_id\":101,\"order_total\":299.99,\"items\":[\"laptop\",\"mouse\"]}");
            assertThat(post.get(0).getHeaders().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
            // the GET with headers: a GET has no body, so Accept (not the chapter's Content-Type) asks for JSON
            var get = other.requestsTo("/api/v1/data");
            assertThat(get).hasSize(1);
            assertThat(get.get(0).getHeaders().get("Accept")).isEqualTo("application/json");
            assertThat(get.get(0).getHeaders().get("Content-Type")).isNull();
            assertThat(other.requestsTo("/api/v1/products").get(0).getUrl().query())
                    .isEqualTo("limit=10&offset=0&category=electronics");
        }
    }

    @Test
    void malformedJsonIsOneLineThatNamesTheUrl() throws Exception {
        try (var other = new ContractApi()) {
            other.override = request -> request.getUrl().encodedPath().endsWith("/products")
                    ? ContractApi.json(200, "{\"products\": [oops") : null;

            var run = ScriptRun.run("api-requests", dir, other.env());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).singleElement().asString()
                    .startsWith("api-requests: GET " + other.env().get("API_BASE_URL")
                            + "/products?limit=10&offset=0&category=electronics answered 200 with malformed JSON at line 1, column ");
            assertThat(run.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void anOrderThatIsNotCreatedFailsWithTheStatusAndTheServersAnswer() throws Exception {
        try (var other = new ContractApi()) {
            other.override = request -> request.getMethod().equals("POST")
                    ? ContractApi.json(422, "{\"error\": \"customer 101 is blocked\"}") : null;

            var run = ScriptRun.run("api-requests", dir, other.env());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).containsExactly("api-requests: POST " + other.env().get("API_BASE_URL")
                    + "/orders answered 422, expected 201 Created: {\"error\": \"customer 101 is blocked\"}");
        }
    }

    @Test
    void anUnknownArgumentShowsTheUsage() {
        var run = ScriptRun.run("api-requests", dir, Map.of(), "--bogus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("api-requests: unknown option --bogus; usage: api-requests [--live] [--verbose] (--help says more)");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anApiThatIsNotThereIsOneLineNamingTheAddress() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var run = ScriptRun.run("api-requests", dir, Map.of("POKEAPI_BASE_URL", "http://127.0.0.1:" + closedPort,
                "API_BASE_URL", "http://127.0.0.1:" + closedPort));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).singleElement().asString()
                .startsWith("api-requests: Failed to connect to").contains("127.0.0.1:" + closedPort);
    }

}
