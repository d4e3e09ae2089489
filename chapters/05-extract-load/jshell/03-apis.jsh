// JShell walkthrough of notebooks/03-apis.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/03-apis.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/03-apis.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/api-requests.java
//DEPS ../../../scripts/api-retries.java
//DEPS ../../../scripts/api-client.java

// # 3. APIs: HTTP-based data access
//
// The chapter's `requests` examples with **OkHttp** and **Jackson**, cell by cell, as in `scripts/api-requests.java`, `scripts/api-retries.java` and `scripts/api-client.java`. See `chapters/05-extract-load/03-apis.md` for the contract of the demo API and why these libraries.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// notebook: the lessons' arguments: none (no --live, so PokeAPI is the local fixture)
List<String> args = List.of();

// ## Using requests library → OkHttp
//
// The imports of `api-requests`:

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

// Where the APIs are: `API_BASE_URL`, `API_TOKEN` and `POKEAPI_BASE_URL` when set, else the local demo API, a real HTTP server on 127.0.0.1.

static final String LIVE_POKEAPI = "https://pokeapi.co/api/v2";

// notebook: the lesson's target: the env vars when set, else the local demo API for this notebook (stopped at the end)
boolean live = args.contains("--live");
boolean useDemoApi = Env.optional("API_BASE_URL").isEmpty();
boolean useDemoPokeApi = !live && Env.optional("POKEAPI_BASE_URL").isEmpty();
LocalApi local = useDemoApi || useDemoPokeApi ? LocalApi.start(useDemoApi ? "API_BASE_URL" : "POKEAPI_BASE_URL") : null;
String baseUrl = useDemoApi ? local.env().get("API_BASE_URL") : Env.required("API_BASE_URL");
String apiToken = useDemoApi ? local.env().get("API_TOKEN") : Env.get("API_TOKEN", "");
String pokeApiBase = live ? LIVE_POKEAPI : useDemoPokeApi ? local.env().get("POKEAPI_BASE_URL") : Env.required("POKEAPI_BASE_URL");
System.out.println("API_BASE_URL=" + baseUrl + "  API_TOKEN=" + Env.masked(apiToken)
        + "  POKEAPI_BASE_URL=" + pokeApiBase);

// One client for every request, like a `requests.Session`, with timeouts:

OkHttpClient client = new OkHttpClient.Builder().
        connectTimeout(Duration.ofSeconds(5)).
        readTimeout(Duration.ofSeconds(10)).
        callTimeout(Duration.ofSeconds(30)).
        build();

// Basic GET request, then check the status:

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

// GET with parameters: `HttpUrl` encodes them, like `params={...}`.

// GET with parameters: HttpUrl encodes them, like params={...}
Cli.step("GET with parameters");
HttpUrl productsUrl = HttpUrl.get(baseUrl + "/products").newBuilder().
        addQueryParameter("limit", "10").
        addQueryParameter("offset", "0").
        addQueryParameter("category", "electronics").
        build();
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

// GET with headers (authentication): the token comes from `API_TOKEN` and is printed as `****`.

// GET with headers (authentication): the token comes from API_TOKEN, never from the code
Cli.step("GET with headers (authentication)");
// The chapter sends Content-Type: application/json, which describes a body; a GET has none,
// so the header that asks for JSON back is Accept
Request dataRequest = new Request.Builder().
        url(baseUrl + "/data").
        header("Authorization", "Bearer " + apiToken).
        header("Accept", "application/json").
        build();
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

// POST request (submit data), expecting `201 Created`:

// POST request (submit data): Jackson writes the payload as JSON
Cli.step("POST request (submit data)");
Map<String, Object> payload = new LinkedHashMap<>();
payload.put("customer_id", 101);
payload.put("order_total", 299.99);
payload.put("items", List.of("laptop", "mouse"));
Request post = new Request.Builder().
        url(baseUrl + "/orders").
        header("Authorization", "Bearer " + apiToken).
        post(Http.json(payload)). // Content-Type: application/json; charset=utf-8
        build();
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

// notebook: stop the local demo API (the lesson's try-with-resources does it at its end)
if (local != null) local.close();

// ## Error handling and retries
//
// The imports of `api-retries`, and its demo API. The demo API injects the faults the cells ask for (`?fail=503&times=2` ...).

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

// notebook: the lesson's target: API_BASE_URL when set, else the local demo API for this notebook (stopped at the end)
LocalApi local = Env.optional("API_BASE_URL").isPresent() ? null : LocalApi.start();
Map<String, String> env = local != null ? local.env() : System.getenv();
String baseUrl = env.get("API_BASE_URL");
String apiToken = Env.optional(env, "API_TOKEN").orElse("");
Headers headers = Headers.of("Authorization", "Bearer " + apiToken, "Accept", "application/json");
String runId = UUID.randomUUID().toString().substring(0, 8); // the demo API counts injected faults per fault_id

// Configure retry strategy: urllib3's `Retry(total=3, backoff_factor=1, status_forcelist=[429, 500, 502, 503, 504])` is Failsafe's `RetryPolicy`, one builder call per urllib3 parameter. `FailsafeCall.with(...)` is the session it is mounted on: a `Timeout` bounds the whole call, and a `Fallback` (`Retries.raiseWhenExhausted`) turns what is left after the last retry into one error.

// Configure retry strategy: urllib3's Retry(total=3, backoff_factor=1, status_forcelist=[...]) is Failsafe's RetryPolicy
Cli.step("Configure retry strategy");
int totalRetries = 3;
Set<Integer> statusForcelist = Set.of(429, 500, 502, 503, 504);
RetryPolicy<Response> retryStrategy = RetryPolicy.<Response>builder().
        withMaxRetries(totalRetries).                                // total=3
        withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8)).    // the chapter's comment: wait 1, 2, 4 seconds (urllib3: 0, 2, 4)
        handleResultIf(response -> statusForcelist.contains(response.code())). // status_forcelist
        handleIf(Retries::isDroppedConnection).                      // a dropped connection (not a refused one)
        abortIf(response -> !Retries.isIdempotent(response.request())). // allowed_methods: no POST without an Idempotency-Key
        withDelayFn(Retries::retryAfterHeader).                      // respect_retry_after_header
        abortIf(Retries::asksToWaitTooLong).                         // ... unless it asks for more than 2 minutes
        onRetryScheduled(event -> System.out.println("  " + Retries.describe(event, totalRetries))).
        build();

// session.mount(...): every call of this session goes through the policy, inside a time limit for the whole call.
// The chapter mounts its adapter on "https://" only: an http:// API gets no retries there. This session has no
// such filter: http:// (the local demo API) and https:// alike
OkHttpClient http = new OkHttpClient.Builder().
        connectTimeout(Duration.ofSeconds(5)).  // to open the connection
        readTimeout(Duration.ofSeconds(10)).    // between two bytes of the answer
        build();
FailsafeCall.FailsafeCallBuilder session = FailsafeCall.with(
        Retries.raiseWhenExhausted(statusForcelist),   // after the last retry: an error naming the status and the attempts
        Timeout.<Response>builder(Duration.ofSeconds(60)).withInterrupt().build(), // the whole call, retries included
        retryStrategy);
System.out.println(totalRetries + " retries, backoff 1 s, 2 s, 4 s, on " + new TreeSet<>(statusForcelist)
        + " and dropped connections; Retry-After honoured up to " + Retries.MAX_RETRY_AFTER.toSeconds() + " s");
System.out.println("(the chapter's comment says 1, 2, 4 s; urllib3's Retry sleeps backoff_factor * 2^(n-1)"
        + " before retry n >= 2 and none before the first: 0 s, 2 s, 4 s. The lesson follows the comment)");

// Make request with retries: the demo API answers 503 twice, then 200. Each retry is printed.

// Make request with retries: the demo API answers 503 twice, then 200
Cli.step("Make request with retries (503, 503, then 200)");
HttpUrl flaky = HttpUrl.get(baseUrl + "/data").newBuilder().
        addQueryParameter("fail", "503").addQueryParameter("times", "2").
        addQueryParameter("fault_id", runId + "-503").build();
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

// A 429 with `Retry-After: 1`: the client waits as long as the server asks.

// 429 Too Many Requests with Retry-After: the client waits as long as the server asks
Cli.step("Rate limited: 429 with Retry-After: 1");
HttpUrl limited = HttpUrl.get(baseUrl + "/data").newBuilder().
        addQueryParameter("fail", "429").addQueryParameter("times", "1").
        addQueryParameter("retry_after", "1").addQueryParameter("fault_id", runId + "-429").build();
long started = System.nanoTime();
try (Response response = session.compose(http.newCall(new Request.Builder().url(limited).headers(headers).build())).execute()) {
    Http.raiseForStatus(response);
    System.out.printf("-> %d after %.1f s%n", response.code(), (System.nanoTime() - started) / 1e9);
} catch (IOException e) {
    System.out.println("Request failed: " + e.getMessage());
}

// A 404 is not retried; a 500 that persists ends in an error that names the URL, the status and the attempts.

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
RetryPolicy<Response> impatient = RetryPolicy.builder(retryStrategy.getConfig()).
        withBackoff(Duration.ofMillis(100), Duration.ofMillis(800)).build();
try (Response response = FailsafeCall.with(Retries.raiseWhenExhausted(statusForcelist), impatient)
        .compose(http.newCall(new Request.Builder().url(baseUrl + "/data?fail=500").headers(headers).build())).execute()) {
    Http.raiseForStatus(response);
    System.out.println("-> " + response.code() + " (this server does not inject faults)");
} catch (IOException e) {
    System.out.println("Request failed: " + e.getMessage());
}

// Timeouts: a 1 s read timeout against an answer that takes 3 s.

// Timeouts: a 1 s read timeout against an answer that takes 3 s (a timeout is not retried: the bound is the bound)
Cli.step("Timeouts: read timeout 1 s, the server takes 3 s");
OkHttpClient hasty = http.newBuilder().readTimeout(Duration.ofSeconds(1)).build();
Request slow = new Request.Builder().url(baseUrl + "/products?slow_ms=3000").headers(headers).build();
try (Response response = session.compose(hasty.newCall(slow)).execute()) {
    System.out.println("-> " + response.code() + " in time (this server does not inject delays)");
} catch (InterruptedIOException e) {
    System.out.println("Timed out: GET " + slow.url() + ": no answer within " + hasty.readTimeoutMillis() / 1000 + " s (read timeout)");
}

// Pagination handling: the chapter's `fetch_all_pages`, with a loop guard against a server that repeats a page forever.

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

// Pagination handling: every page of /items until an empty one
Cli.step("Pagination handling: fetch_all_pages(" + baseUrl + "/items)");
List<JsonNode> allData = fetchAllPages(session, http, baseUrl + "/items", headers);
System.out.println("Fetched " + allData.size() + " items"
        + (allData.isEmpty() ? "" : ": " + allData.get(0) + " ... " + allData.get(allData.size() - 1)));

// The same with the elkit paginator, which also guards against runaway pagination, its requests sent through the session
List<JsonNode> again = Http.pagesByNumber(request -> session.compose(http.newCall(request)).execute(),
        new Request.Builder().url(baseUrl + "/items").headers(headers).build(), "page", "results", Http.MAX_PAGES);
System.out.println("Http.pagesByNumber fetched " + again.size() + " items, the same: " + again.equals(allData));

// notebook: stop the local demo API (the lesson's try-with-resources does it at its end)
if (local != null) local.close();

// ## Real-world API example: DataAPIClient
//
// Offset pagination, a client-side rate limit (0.5 s between requests), retries from the same Failsafe policy, and `createOrder` with an `Idempotency-Key`.

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

// notebook: the lesson's target: API_BASE_URL when set, else the local demo API for this notebook (stopped at the end)
LocalApi local = Env.optional("API_BASE_URL").isPresent() ? null : LocalApi.start();
Map<String, String> env = local != null ? local.env() : System.getenv();
String baseUrl = env.get("API_BASE_URL");
String apiKey = Env.optional(env, "API_TOKEN").orElse("");

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

// notebook: stop the local demo API (the lesson's try-with-resources does it at its end)
if (local != null) local.close();
