///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "Real-World API Example": DataAPIClient with offset pagination, a client-side rate limit, retries and createOrder.
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS dev.failsafe:failsafe-okhttp:3.3.2
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Http.java
//SOURCES ../lib/src/main/java/elkit/Retries.java
//SOURCES ../lib/src/main/java/elkit/local/LocalApi.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.okhttp.FailsafeCall;
import elkit.Cli;
import elkit.Env;
import elkit.Http;
import elkit.Retries;
import elkit.local.LocalApi;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Usage: api-client [--verbose]
 * Talks to API_BASE_URL (with API_TOKEN), else to the local demo API on 127.0.0.1.
 */
class api_client {

    static final Options OPTIONS = Options.usage("api-client")
            .env("HTTP API");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(api_client::lesson));
    }

    static class DataAPIClient {
        private final String baseUrl;
        private final Headers headers;
        private final OkHttpClient http;
        private final FailsafeCall.FailsafeCallBuilder retrying;
        private final Duration minInterval;
        private long lastAnswer = System.nanoTime() - Duration.ofDays(1).toNanos();

        DataAPIClient(String baseUrl, String apiKey) {
            this.baseUrl = baseUrl;
            this.headers = Headers.of(
                    "Authorization", "Bearer " + apiKey,
                    "Accept", "application/json");
            this.http = new OkHttpClient.Builder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .readTimeout(Duration.ofSeconds(10))
                    .build();
            // Retries on 429/5xx with backoff 1, 2, 4 s and Retry-After, as in the retries lesson, within 60 s a call
            Set<Integer> statusForcelist = Set.of(429, 500, 502, 503, 504);
            RetryPolicy<Response> retryStrategy = RetryPolicy.<Response>builder()
                    .withMaxRetries(3)
                    .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
                    .handleResultIf(response -> statusForcelist.contains(response.code()))
                    .handleIf(Retries::isDroppedConnection)
                    .abortIf(response -> !Retries.isIdempotent(response.request()))
                    .withDelayFn(Retries::retryAfterHeader)
                    .abortIf(Retries::asksToWaitTooLong)
                    .build();
            this.retrying = FailsafeCall.with(Retries.raiseWhenExhausted(statusForcelist),
                    Timeout.<Response>builder(Duration.ofSeconds(60)).withInterrupt().build(), retryStrategy);
            this.minInterval = Duration.ofMillis(500); // Rate limiting - be nice to APIs! 0.5 s between requests
        }

        /** Fetch customer data with pagination */
        List<JsonNode> getCustomers(int limit) throws IOException {
            List<JsonNode> customers = new ArrayList<>();
            Http.LoopGuard guard = new Http.LoopGuard("GET " + baseUrl + "/customers");
            int offset = 0;

            while (true) {
                HttpUrl url = HttpUrl.get(baseUrl + "/customers").newBuilder()
                        .addQueryParameter("limit", String.valueOf(limit))
                        .addQueryParameter("offset", String.valueOf(offset))
                        .build();
                waitForRateLimit();
                JsonNode data;
                try (Response response = retrying.compose(http.newCall(new Request.Builder().url(url).headers(headers).build())).execute()) {
                    // Not 200: an error, not a silent break, so that a partial list is never taken for all of it
                    data = Http.readJson(Http.raiseForStatus(response));
                } finally {
                    lastAnswer = System.nanoTime();
                }

                JsonNode batch = data.path("customers");
                if (batch.isEmpty()) {
                    break;
                }

                guard.check("offset " + offset, batch); // a server that ignores offset would loop forever
                batch.forEach(customers::add);
                offset += limit;
            }

            return customers;
        }

        /** Submit new order. The Idempotency-Key makes a retried POST safe: the server creates it once. */
        JsonNode createOrder(Map<String, Object> orderData) throws IOException {
            Request request = new Request.Builder()
                    .url(baseUrl + "/orders")
                    .headers(headers)
                    .header(Retries.IDEMPOTENCY_KEY, UUID.randomUUID().toString())
                    .post(Http.json(orderData))
                    .build();
            waitForRateLimit();
            try (Response response = retrying.compose(http.newCall(request)).execute()) {
                return Http.readJson(Http.raiseForStatus(response));
            } finally {
                lastAnswer = System.nanoTime();
            }
        }

        /** Client-side rate limit: sleep until minInterval has passed since the previous answer. */
        private void waitForRateLimit() throws InterruptedIOException {
            long wait = lastAnswer + minInterval.toNanos() - System.nanoTime();
            try {
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while rate limiting");
            }
        }
    }

    static void lesson(List<String> args) throws IOException {
        if (!args.isEmpty()) throw Cli.fail(2, "usage: api-client [--verbose]");

        // The target: the user's API from API_BASE_URL, else the local demo API (a real HTTP server on 127.0.0.1)
        try (var local = Env.optional("API_BASE_URL").isPresent() ? null : LocalApi.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            teach(env.get("API_BASE_URL"), Env.optional(env, "API_TOKEN").orElse(""));
        }
    }

    static void teach(String baseUrl, String apiKey) throws IOException {
        // Usage
        Cli.step("Usage: get_customers");
        DataAPIClient client = new DataAPIClient(baseUrl, apiKey);
        long started = System.nanoTime();
        List<JsonNode> customers = client.getCustomers(100);
        System.out.println("Fetched " + customers.size() + " customers");
        System.out.printf("in %.1f s, with 0.5 s between requests%n", (System.nanoTime() - started) / 1e9);
        customers.stream().limit(3).forEach(customer -> System.out.println("  " + customer));

        Cli.step("Usage: create_order");
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("customer_id", customers.isEmpty() ? 101 : customers.get(0).path("customer_id").asInt());
        order.put("order_total", 299.99);
        order.put("items", List.of("laptop", "mouse"));
        JsonNode created = client.createOrder(order);
        System.out.println("Order created: " + created.path("order_id"));
    }
}
