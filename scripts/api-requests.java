///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "Using requests Library": OkHttp + Jackson. GET and check the status, query parameters, a bearer token, POST JSON expecting 201.
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Http.java
//SOURCES ../lib/src/main/java/elkit/local/LocalApi.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import com.fasterxml.jackson.databind.JsonNode;
import elkit.Cli;
import elkit.Env;
import elkit.Http;
import elkit.local.LocalApi;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Usage: api-requests [--live] [--verbose]
 * Talks to API_BASE_URL (with API_TOKEN) and POKEAPI_BASE_URL; what is unset is served by the local
 * demo API on 127.0.0.1. --live asks the real PokeAPI instead (needs internet).
 */
class api_requests {

    static final String LIVE_POKEAPI = "https://pokeapi.co/api/v2";

    static final Options OPTIONS = Options.usage("api-requests")
            .option("--live", "the real PokeAPI on the internet instead of the local fixture")
            .env("HTTP API");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(api_requests::lesson));
    }

    static void lesson(List<String> args) throws IOException {
        if (!args.stream().allMatch("--live"::equals)) throw Cli.fail(2, "usage: api-requests [--live] [--verbose]");
        boolean live = args.contains("--live");

        // The target: the APIs of the env vars when set, else the local demo API (a real HTTP server on 127.0.0.1)
        boolean useDemoApi = Env.optional("API_BASE_URL").isEmpty();
        boolean useDemoPokeApi = !live && Env.optional("POKEAPI_BASE_URL").isEmpty();
        try (var local = useDemoApi || useDemoPokeApi ? LocalApi.start(useDemoApi ? "API_BASE_URL" : "POKEAPI_BASE_URL") : null) {
            String baseUrl = useDemoApi ? local.env().get("API_BASE_URL") : Env.required("API_BASE_URL");
            String apiToken = useDemoApi ? local.env().get("API_TOKEN") : Env.get("API_TOKEN", "");
            String pokeApiBase = live ? LIVE_POKEAPI
                    : useDemoPokeApi ? local.env().get("POKEAPI_BASE_URL") : Env.required("POKEAPI_BASE_URL");
            teach(baseUrl, apiToken, pokeApiBase);
        }
    }

    static void teach(String baseUrl, String apiToken, String pokeApiBase) throws IOException {
        System.out.println("API_BASE_URL=" + baseUrl + "  API_TOKEN=" + Env.masked(apiToken)
                + "  POKEAPI_BASE_URL=" + pokeApiBase);

        // One client for every request: it pools connections; timeouts so that nothing waits forever
        OkHttpClient client = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(10))
                .callTimeout(Duration.ofSeconds(30))
                .build();

        // Basic GET request
        Cli.step("Basic GET request");
        String url = pokeApiBase + "/pokemon/1";
        Request request = new Request.Builder().url(url).build();
        try (Response response = client.newCall(request).execute()) {
            System.out.println("GET " + url + " -> " + response.code());
            // Check status
            if (response.code() == 200) {
                JsonNode data = Http.readJson(response);
                System.out.println(data.path("name").asText()); // "bulbasaur"
            } else {
                System.out.println("Error: " + response.code());
            }
        }

        // GET with parameters: HttpUrl encodes them, like params={...}
        Cli.step("GET with parameters");
        HttpUrl productsUrl = HttpUrl.get(baseUrl + "/products").newBuilder()
                .addQueryParameter("limit", "10")
                .addQueryParameter("offset", "0")
                .addQueryParameter("category", "electronics")
                .build();
        try (Response response = client.newCall(new Request.Builder().url(productsUrl).build()).execute()) {
            System.out.println("GET " + productsUrl + " -> " + response.code());
            JsonNode body = Http.readJson(Http.raiseForStatus(response));
            JsonNode products = body.isArray() ? body : body.path("products");
            for (JsonNode product : products) {
                System.out.println("  " + product.path("id") + "  " + product.path("name").asText()
                        + "  " + product.path("price"));
            }
            System.out.println(products.size() + " products");
        }

        // GET with headers (authentication): the token comes from API_TOKEN, never from the code
        Cli.step("GET with headers (authentication)");
        // The chapter sends Content-Type: application/json, which describes a body; a GET has none,
        // so the header that asks for JSON back is Accept
        Request dataRequest = new Request.Builder()
                .url(baseUrl + "/data")
                .header("Authorization", "Bearer " + apiToken)
                .header("Accept", "application/json")
                .build();
        System.out.println("GET " + dataRequest.url() + " with Authorization: Bearer " + Env.masked(apiToken));
        try (Response response = client.newCall(dataRequest).execute()) {
            System.out.println("-> " + response.code());
            if (response.code() == 401) {
                throw Cli.fail("GET %s answered 401 Unauthorized: %s", dataRequest.url(), apiToken.isEmpty()
                        ? "API_TOKEN is not set (export API_TOKEN=<your token>)"
                        : "the server rejected the token in API_TOKEN");
            }
            JsonNode data = Http.readJson(Http.raiseForStatus(response));
            System.out.println(data);
        }

        // POST request (submit data): Jackson writes the payload as JSON
        Cli.step("POST request (submit data)");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("customer_id", 101);
        payload.put("order_total", 299.99);
        payload.put("items", List.of("laptop", "mouse"));
        Request post = new Request.Builder()
                .url(baseUrl + "/orders")
                .header("Authorization", "Bearer " + apiToken)
                .post(Http.json(payload)) // Content-Type: application/json; charset=utf-8
                .build();
        try (Response response = client.newCall(post).execute()) {
            System.out.println("POST " + post.url() + " " + Http.MAPPER.writeValueAsString(payload) + " -> " + response.code());
            // Handle response
            if (response.code() == 201) {
                JsonNode created = Http.readJson(response);
                System.out.println("Order created: " + created.path("order_id"));
            } else {
                throw Cli.fail("POST %s answered %d, expected 201 Created: %s",
                        post.url(), response.code(), response.body().string().strip());
            }
        }
    }
}
