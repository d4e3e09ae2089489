///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "Error Handling and Retries": Failsafe's RetryPolicy on OkHttp (backoff, Retry-After, status_forcelist), raise for status, timeouts, fetch_all_pages.
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
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Usage: api-retries [--verbose]
 * Talks to API_BASE_URL (with API_TOKEN), else to the local demo API on 127.0.0.1. The demo API
 * injects the faults the lesson asks for (?fail=503&times=2 ...); another server ignores them.
 */
class api_retries {

    static final Options OPTIONS = Options.usage("api-retries")
            .env("HTTP API");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(api_retries::lesson));
    }

    static void lesson(List<String> args) throws IOException {
        if (!args.isEmpty()) throw Cli.fail(2, "usage: api-retries [--verbose]");

        // The target: the user's API from API_BASE_URL, else the local demo API (a real HTTP server on 127.0.0.1)
        try (var local = Env.optional("API_BASE_URL").isPresent() ? null : LocalApi.start()) {
            var env = local != null ? local.env() : System.getenv();
            teach(env.get("API_BASE_URL"), Env.optional(env, "API_TOKEN").orElse(""));
        }
    }

    static void teach(String baseUrl, String apiToken) throws IOException {
        Headers headers = Headers.of("Authorization", "Bearer " + apiToken, "Accept", "application/json");
        String runId = UUID.randomUUID().toString().substring(0, 8); // the demo API counts injected faults per fault_id

        // Configure retry strategy: urllib3's Retry(total=3, backoff_factor=1, status_forcelist=[...]) is Failsafe's RetryPolicy
        Cli.step("Configure retry strategy");
        int totalRetries = 3;
        Set<Integer> statusForcelist = Set.of(429, 500, 502, 503, 504);
        RetryPolicy<Response> retryStrategy = RetryPolicy.<Response>builder()
                .withMaxRetries(totalRetries)                                // total=3
                .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8))    // the chapter's comment: wait 1, 2, 4 seconds (urllib3: 0, 2, 4)
                .handleResultIf(response -> statusForcelist.contains(response.code())) // status_forcelist
                .handleIf(Retries::isDroppedConnection)                      // a dropped connection (not a refused one)
                .abortIf(response -> !Retries.isIdempotent(response.request())) // allowed_methods: no POST without an Idempotency-Key
                .withDelayFn(Retries::retryAfterHeader)                      // respect_retry_after_header
                .abortIf(Retries::asksToWaitTooLong)                         // ... unless it asks for more than 2 minutes
                .onRetryScheduled(event -> System.out.println("  " + Retries.describe(event, totalRetries)))
                .build();

        // session.mount(...): every call of this session goes through the policy, inside a time limit for the whole call.
        // The chapter mounts its adapter on "https://" only: an http:// API gets no retries there. This session has no
        // such filter: http:// (the local demo API) and https:// alike
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))  // to open the connection
                .readTimeout(Duration.ofSeconds(10))    // between two bytes of the answer
                .build();
        FailsafeCall.FailsafeCallBuilder session = FailsafeCall.with(
                Retries.raiseWhenExhausted(statusForcelist),   // after the last retry: an error naming the status and the attempts
                Timeout.<Response>builder(Duration.ofSeconds(60)).withInterrupt().build(), // the whole call, retries included
                retryStrategy);
        System.out.println(totalRetries + " retries, backoff 1 s, 2 s, 4 s, on " + new TreeSet<>(statusForcelist)
                + " and dropped connections; Retry-After honoured up to " + Retries.MAX_RETRY_AFTER.toSeconds() + " s");
        System.out.println("(the chapter's comment says 1, 2, 4 s; urllib3's Retry sleeps backoff_factor * 2^(n-1)"
                + " before retry n >= 2 and none before the first: 0 s, 2 s, 4 s. The lesson follows the comment)");

        // Make request with retries: the demo API answers 503 twice, then 200
        Cli.step("Make request with retries (503, 503, then 200)");
        HttpUrl flaky = HttpUrl.get(baseUrl + "/data").newBuilder()
                .addQueryParameter("fail", "503").addQueryParameter("times", "2")
                .addQueryParameter("fault_id", runId + "-503").build();
        try (Response response = session.compose(http.newCall(new Request.Builder().url(flaky).headers(headers).build())).execute()) {
            Http.raiseForStatus(response); // Raises for 4xx/5xx
            JsonNode data = Http.readJson(response);
            System.out.println("Got " + data.path("data").size() + " rows: " + data.path("data"));
        } catch (ConnectException e) {
            // nobody listens there: no retry or backoff can change that, and every step after this one would fail alike
            throw Cli.fail("cannot connect to the API at " + baseUrl + " (" + e.getMessage() + "): is it running? Check API_BASE_URL");
        } catch (IOException e) {
            System.out.println("Request failed: " + e.getMessage());
        }

        // 429 Too Many Requests with Retry-After: the client waits as long as the server asks
        Cli.step("Rate limited: 429 with Retry-After: 1");
        HttpUrl limited = HttpUrl.get(baseUrl + "/data").newBuilder()
                .addQueryParameter("fail", "429").addQueryParameter("times", "1")
                .addQueryParameter("retry_after", "1").addQueryParameter("fault_id", runId + "-429").build();
        long started = System.nanoTime();
        try (Response response = session.compose(http.newCall(new Request.Builder().url(limited).headers(headers).build())).execute()) {
            Http.raiseForStatus(response);
            System.out.printf("-> %d after %.1f s%n", response.code(), (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            System.out.println("Request failed: " + e.getMessage());
        }

        // A 4xx other than 429 is the caller's mistake: retrying cannot help, so it fails at once
        Cli.step("A 404 is not retried");
        try (Response response = session.compose(http.newCall(new Request.Builder().url(baseUrl + "/no-such-endpoint").headers(headers).build())).execute()) {
            Http.raiseForStatus(response);
            System.out.println("-> " + response.code());
        } catch (IOException e) {
            System.out.println("Request failed: " + e.getMessage());
        }

        // A 5xx that stays: raise after the last retry (a copy of the policy with a 0.1 s backoff keeps this demo short)
        Cli.step("A 500 that persists: an error after 3 retries");
        RetryPolicy<Response> impatient = RetryPolicy.builder(retryStrategy.getConfig())
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(800)).build();
        try (Response response = FailsafeCall.with(Retries.raiseWhenExhausted(statusForcelist), impatient)
                .compose(http.newCall(new Request.Builder().url(baseUrl + "/data?fail=500").headers(headers).build())).execute()) {
            Http.raiseForStatus(response);
            System.out.println("-> " + response.code() + " (this server does not inject faults)");
        } catch (IOException e) {
            System.out.println("Request failed: " + e.getMessage());
        }

        // Timeouts: a 1 s read timeout against an answer that takes 3 s (a timeout is not retried: the bound is the bound)
        Cli.step("Timeouts: read timeout 1 s, the server takes 3 s");
        OkHttpClient hasty = http.newBuilder().readTimeout(Duration.ofSeconds(1)).build();
        Request slow = new Request.Builder().url(baseUrl + "/products?slow_ms=3000").headers(headers).build();
        try (Response response = session.compose(hasty.newCall(slow)).execute()) {
            System.out.println("-> " + response.code() + " in time (this server does not inject delays)");
        } catch (InterruptedIOException e) {
            System.out.println("Timed out: GET " + slow.url() + ": no answer within " + hasty.readTimeoutMillis() / 1000 + " s (read timeout)");
        }

        // Pagination handling: every page of /items until an empty one
        Cli.step("Pagination handling: fetch_all_pages(" + baseUrl + "/items)");
        List<JsonNode> allData = fetchAllPages(session, http, baseUrl + "/items", headers);
        System.out.println("Fetched " + allData.size() + " items"
                + (allData.isEmpty() ? "" : ": " + allData.get(0) + " ... " + allData.get(allData.size() - 1)));

        // The same with the elkit paginator, which also guards against runaway pagination, its requests sent through the session
        List<JsonNode> again = Http.pagesByNumber(request -> session.compose(http.newCall(request)).execute(),
                new Request.Builder().url(baseUrl + "/items").headers(headers).build(), "page", "results", Http.MAX_PAGES);
        System.out.println("Http.pagesByNumber fetched " + again.size() + " items, the same: " + again.equals(allData));
    }

    // Pagination handling
    static List<JsonNode> fetchAllPages(FailsafeCall.FailsafeCallBuilder session, OkHttpClient http, String baseUrl, Headers headers) throws IOException {
        List<JsonNode> allData = new ArrayList<>();
        Http.LoopGuard guard = new Http.LoopGuard("GET " + baseUrl); // stops a server that repeats a page forever
        int page = 1;

        while (true) {
            Request request = new Request.Builder().url(baseUrl + "?page=" + page).headers(headers).build();
            JsonNode data;
            try (Response response = session.compose(http.newCall(request)).execute()) { // through the retry policy, like every call
                data = Http.readJson(Http.raiseForStatus(response));
            }

            if (data.path("results").isEmpty()) {
                break;
            }

            guard.check("page " + page, data.get("results"));
            data.get("results").forEach(allData::add);
            page++;
        }

        return allData;
    }
}
