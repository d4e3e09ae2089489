///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "Error Handling and Retries": a retry policy with backoff and Retry-After as an OkHttp interceptor, raise for status, timeouts, fetch_all_pages.
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Http.java
//SOURCES ../lib/src/main/java/elkit/local/LocalApi.java

import com.fasterxml.jackson.databind.JsonNode;
import elkit.Cli;
import elkit.Env;
import elkit.Http;
import elkit.local.LocalApi;

import java.io.IOException;
import java.io.InterruptedIOException;
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

    public static void main(String[] args) {
        Cli.run(args, api_retries::lesson);
    }

    static void lesson(List<String> args) throws IOException {
        if (!args.isEmpty()) throw Cli.fail(2, "usage: api-retries [--verbose]");

        // Where the API is: API_BASE_URL when set, else the local demo API (a real HTTP server on 127.0.0.1)
        LocalApi demo = Env.optional("API_BASE_URL").isEmpty() ? LocalApi.start() : null;
        if (demo != null) System.out.println("Started the local demo API at " + demo.url() + " (API_BASE_URL is not set)");
        String baseUrl = demo != null ? demo.env().get("API_BASE_URL") : Env.required("API_BASE_URL");
        String apiToken = demo != null ? demo.env().get("API_TOKEN") : Env.get("API_TOKEN", "");
        Headers headers = Headers.of("Authorization", "Bearer " + apiToken, "Accept", "application/json");
        String runId = UUID.randomUUID().toString().substring(0, 8); // the demo API counts injected faults per fault_id

        // Configure retry strategy: urllib3's Retry, as an OkHttp interceptor
        Cli.step("Configure retry strategy");
        Http.Retry retryStrategy = new Http.Retry(
                3,                                 // total retries
                Duration.ofSeconds(1),             // backoff: wait 1, 2, 4 seconds
                Set.of(429, 500, 502, 503, 504),   // status_forcelist
                Duration.ofSeconds(120),           // the longest Retry-After we are willing to wait
                message -> System.out.println("  " + message));
        OkHttpClient session = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))  // to open the connection
                .readTimeout(Duration.ofSeconds(10))    // between two bytes of the answer
                .callTimeout(Duration.ofSeconds(60))    // the whole call, retries included
                .addInterceptor(new Http.RetryInterceptor(retryStrategy))
                .build();
        System.out.println("3 retries, backoff 1 s, 2 s, 4 s, on " + new TreeSet<>(retryStrategy.statuses())
                + " and connection errors; Retry-After honoured");

        // Make request with retries: the demo API answers 503 twice, then 200
        Cli.step("Make request with retries (503, 503, then 200)");
        HttpUrl flaky = HttpUrl.get(baseUrl + "/data").newBuilder()
                .addQueryParameter("fail", "503").addQueryParameter("times", "2")
                .addQueryParameter("fault_id", runId + "-503").build();
        try (Response response = session.newCall(new Request.Builder().url(flaky).headers(headers).build()).execute()) {
            Http.raiseForStatus(response); // Raises for 4xx/5xx
            JsonNode data = Http.readJson(response);
            System.out.println("Got " + data.path("data").size() + " rows: " + data.path("data"));
        } catch (IOException e) {
            System.out.println("Request failed: " + e.getMessage());
        }

        // 429 Too Many Requests with Retry-After: the client waits as long as the server asks
        Cli.step("Rate limited: 429 with Retry-After: 1");
        HttpUrl limited = HttpUrl.get(baseUrl + "/data").newBuilder()
                .addQueryParameter("fail", "429").addQueryParameter("times", "1")
                .addQueryParameter("retry_after", "1").addQueryParameter("fault_id", runId + "-429").build();
        long started = System.nanoTime();
        try (Response response = session.newCall(new Request.Builder().url(limited).headers(headers).build()).execute()) {
            Http.raiseForStatus(response);
            System.out.printf("-> %d after %.1f s%n", response.code(), (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            System.out.println("Request failed: " + e.getMessage());
        }

        // A 4xx other than 429 is the caller's mistake: retrying cannot help, so it fails at once
        Cli.step("A 404 is not retried");
        try (Response response = session.newCall(new Request.Builder().url(baseUrl + "/no-such-endpoint").headers(headers).build()).execute()) {
            Http.raiseForStatus(response);
            System.out.println("-> " + response.code());
        } catch (IOException e) {
            System.out.println("Request failed: " + e.getMessage());
        }

        // A 5xx that stays: raise after the last retry (a 0.1 s backoff keeps this demo short)
        Cli.step("A 500 that persists: an error after 3 retries");
        OkHttpClient impatient = new OkHttpClient.Builder()
                .addInterceptor(new Http.RetryInterceptor(retryStrategy.withBackoff(Duration.ofMillis(100))))
                .build();
        try (Response response = impatient.newCall(new Request.Builder().url(baseUrl + "/data?fail=500").headers(headers).build()).execute()) {
            Http.raiseForStatus(response);
            System.out.println("-> " + response.code() + " (this server does not inject faults)");
        } catch (IOException e) {
            System.out.println("Request failed: " + e.getMessage());
        }

        // Timeouts: a 1 s read timeout against an answer that takes 3 s
        Cli.step("Timeouts: read timeout 1 s, the server takes 3 s");
        OkHttpClient hasty = session.newBuilder().readTimeout(Duration.ofSeconds(1)).build();
        try (Response response = hasty.newCall(new Request.Builder().url(baseUrl + "/products?slow_ms=3000").headers(headers).build()).execute()) {
            System.out.println("-> " + response.code() + " in time (this server does not inject delays)");
        } catch (InterruptedIOException e) {
            System.out.println("Timed out: " + e.getMessage());
        }

        // Pagination handling: every page of /items until an empty one
        Cli.step("Pagination handling: fetch_all_pages(" + baseUrl + "/items)");
        List<JsonNode> allData = fetchAllPages(session, baseUrl + "/items", headers);
        System.out.println("Fetched " + allData.size() + " items"
                + (allData.isEmpty() ? "" : ": " + allData.get(0) + " ... " + allData.get(allData.size() - 1)));

        // The same with the elkit paginator, which also guards against runaway pagination
        List<JsonNode> again = Http.pagesByNumber(session, new Request.Builder().url(baseUrl + "/items").headers(headers).build(),
                "page", "results", Http.MAX_PAGES);
        System.out.println("Http.pagesByNumber fetched " + again.size() + " items, the same: " + again.equals(allData));

        if (demo != null) demo.close();
    }

    // Pagination handling
    static List<JsonNode> fetchAllPages(OkHttpClient session, String baseUrl, Headers headers) throws IOException {
        List<JsonNode> allData = new ArrayList<>();
        Http.LoopGuard guard = new Http.LoopGuard("GET " + baseUrl); // stops a server that repeats a page forever
        int page = 1;

        while (true) {
            Request request = new Request.Builder().url(baseUrl + "?page=" + page).headers(headers).build();
            JsonNode data;
            try (Response response = session.newCall(request).execute()) {
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
