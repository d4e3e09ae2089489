///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Exercise 2, reference solution.
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS dev.failsafe:failsafe-okhttp:3.3.2
//SOURCES ../../../../lib/src/main/java/elkit/Http.java
//SOURCES ../../../../lib/src/main/java/elkit/Retries.java
//SOURCES ../../../../lib/src/main/java/elkit/local/LocalApi.java
//SOURCES ../../../../lib/src/main/java/elkit/Grading.java
//SOURCES ../../../../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../../../../lib/src/main/java/elkit/Scratch.java

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.RetryPolicy;
import dev.failsafe.okhttp.FailsafeCall;
import elkit.Retries;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import static elkit.Grading.check;

/**
 * Exercise 2: the chapter's get_customers, made safe for a pipeline.
 *
 * Write {@link #fetchAllCustomers}: GET {baseUrl}/customers?limit=100&offset=N until a batch is empty
 * ({"customers": [...]}), and return every customer, each exactly once, in order. Unlike the chapter:
 *   1. an error status (4xx/5xx) must raise an IOException, not end the loop quietly with half the data;
 *   2. a server that never sends an empty batch must not hang you: stop after 1,000 pages, or when a
 *      batch repeats the previous one, by raising an exception;
 *   3. a 503 or 429 that clears up must not lose the run: retry it with Failsafe's RetryPolicy, at most
 *      3 times, waiting what Retry-After asks (page 03-apis.md, "Configure retry strategy", shows how).
 *      A 4xx other than 429 is not retried: it raises at once.
 *
 * Run it: ../../../jbang ex02-api-pages.java   It grades your code and exits 0 when all checks pass.
 */
class ex02_api_pages {

    static final ObjectMapper MAPPER = new ObjectMapper();

    static List<JsonNode> fetchAllCustomers(OkHttpClient client, String baseUrl) throws IOException {
        Set<Integer> statusForcelist = Set.of(429, 500, 502, 503, 504);
        RetryPolicy<Response> retryStrategy = RetryPolicy.<Response>builder()
                .withMaxRetries(3)
                .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8))
                .handleResultIf(response -> statusForcelist.contains(response.code()))
                .withDelayFn(Retries::retryAfterHeader)
                .abortIf(Retries::asksToWaitTooLong)
                .build();
        int limit = 100;
        var customers = new ArrayList<JsonNode>();
        JsonNode previous = null;
        for (int offset = 0, page = 0; ; offset += limit, page++) {
            if (page >= 1_000) throw new IOException("more than 1000 pages from " + baseUrl + "/customers: giving up");
            var request = new Request.Builder().url(baseUrl + "/customers?limit=" + limit + "&offset=" + offset).build();
            JsonNode batch;
            try (var response = FailsafeCall.with(retryStrategy).compose(client.newCall(request)).execute()) {
                if (!response.isSuccessful()) {
                    throw new IOException("GET " + request.url() + " answered " + response.code());
                }
                batch = MAPPER.readTree(response.body().string()).path("customers");
            }
            if (batch.isEmpty()) return customers;
            if (batch.equals(previous)) throw new IOException("GET " + request.url() + " repeated the previous page");
            batch.forEach(customers::add);
            previous = batch;
        }
    }

    // ---- grading: do not edit below this line ----

    public static void main(String[] args) throws Exception {
        var report = new ArrayList<String>();
        int passed = 0;
        var client = new OkHttpClient.Builder().callTimeout(java.time.Duration.ofSeconds(10)).build();
        try (var api = elkit.local.LocalApi.start()) {
            String baseUrl = api.env().get("API_BASE_URL");
            passed += check(report, "every customer exactly once, in order", () -> {
                var customers = fetchAllCustomers(client, baseUrl);
                var ids = customers.stream().map(c -> c.path("customer_id").asInt()).toList();
                var expected = java.util.stream.IntStream.rangeClosed(1, elkit.local.LocalApi.CUSTOMERS).boxed().toList();
                if (!ids.equals(expected)) throw new AssertionError("expected ids 1.." + expected.size() + ", got " + ids.size() + " ids: " + abbreviate(ids));
            });
            passed += check(report, "pages of 100, not one request per customer", () -> {
                int before = api.requests().size();
                expectAll(fetchAllCustomers(client, baseUrl)); // making no request at all is not the point
                int made = api.requests().size() - before;
                if (made > 4) throw new AssertionError("expected at most 4 requests (3 pages and the empty one), made " + made);
            });
            // a fetch that always raises would "pass" the two checks below: each first needs a healthy fetch
            passed += check(report, "an error status raises instead of returning half the data", () -> {
                expectAll(fetchAllCustomers(client, baseUrl));
                expectFailure(client, (url, offset) -> offset >= 100 ? 404 : 200);
            });
            passed += check(report, "a 503 that clears up is retried, honouring Retry-After, and nothing is lost", () ->
                    expectRecovery(client));
            passed += check(report, "a server that repeats the same page forever is stopped", () -> {
                expectAll(fetchAllCustomers(client, baseUrl));
                expectFailure(client, (url, offset) -> 0); // 0: the first page again, whatever is asked
            });
        }
        report.forEach(System.out::println);
        System.out.printf("Score: %d/%d%n", passed, report.size());
        System.exit(passed == report.size() ? 0 : 1);
    }

    /** Answers a status for a request: 200 with the page asked for, 0 with the first page, else that error. */
    interface Behaviour { int status(String url, int offset); }

    /** Runs the learner's code against a misbehaving server: it must raise, within 10 seconds. */
    static void expectFailure(OkHttpClient client, Behaviour behaviour) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/customers", exchange -> {
            String query = String.valueOf(exchange.getRequestURI().getQuery());
            var m = java.util.regex.Pattern.compile("offset=(\\d+)").matcher(query);
            int offset = m.find() ? Integer.parseInt(m.group(1)) : 0;
            int status = behaviour.status(exchange.getRequestURI().toString(), offset);
            int from = status == 0 ? 0 : offset;
            var batch = MAPPER.createArrayNode();
            for (int id = from + 1; id <= from + 100; id++) batch.addObject().put("customer_id", id);
            byte[] body = (status == 200 || status == 0)
                    ? MAPPER.createObjectNode().set("customers", batch).toString().getBytes()
                    : "{\"error\": \"server error\"}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status == 0 ? 200 : status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            var result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return fetchAllCustomers(client, baseUrl);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<JsonNode> customers;
            try {
                customers = result.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                result.cancel(true);
                throw new AssertionError("still fetching after 10 s: the loop does not stop");
            } catch (java.util.concurrent.ExecutionException raised) {
                if (raised.getCause() instanceof UnsupportedOperationException u) throw u;
                return; // it raised: the pipeline knows something is wrong
            }
            throw new AssertionError("returned " + customers.size() + " customers as if all was well");
        } finally {
            server.stop(0);
        }
    }

    /**
     * Runs the learner's code against a server of 250 customers whose second page answers 503 with
     * Retry-After: 1 the first time: every customer must come back, the page asked twice, a second apart.
     */
    static void expectRecovery(OkHttpClient client) throws Exception {
        int total = 250;
        var asked = new java.util.concurrent.CopyOnWriteArrayList<Long>();
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/customers", exchange -> {
            var m = java.util.regex.Pattern.compile("offset=(\\d+)").matcher(String.valueOf(exchange.getRequestURI().getQuery()));
            int offset = m.find() ? Integer.parseInt(m.group(1)) : 0;
            if (offset == 100) asked.add(System.nanoTime());
            byte[] body;
            if (offset == 100 && asked.size() == 1) {
                body = "{\"error\": \"busy\"}".getBytes();
                exchange.getResponseHeaders().add("Retry-After", "1");
                exchange.sendResponseHeaders(503, body.length);
            } else {
                var batch = MAPPER.createArrayNode();
                for (int id = offset + 1; id <= Math.min(offset + 100, total); id++) batch.addObject().put("customer_id", id);
                body = MAPPER.createObjectNode().set("customers", batch).toString().getBytes();
                exchange.sendResponseHeaders(200, body.length);
            }
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            var result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return fetchAllCustomers(client, baseUrl);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<JsonNode> customers;
            try {
                customers = result.get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                result.cancel(true);
                throw new AssertionError("still fetching after 15 s");
            } catch (java.util.concurrent.ExecutionException raised) {
                if (raised.getCause() instanceof UnsupportedOperationException u) throw u;
                throw new AssertionError("raised on a 503 that a retry would have cleared: " + raised.getCause().getMessage());
            }
            var ids = customers == null ? List.<Integer>of() : customers.stream().map(c -> c.path("customer_id").asInt()).toList();
            if (!ids.equals(java.util.stream.IntStream.rangeClosed(1, total).boxed().toList())) {
                throw new AssertionError("expected ids 1.." + total + " after the retry, got " + ids.size() + " ids: " + abbreviate(ids));
            }
            if (asked.size() != 2) throw new AssertionError("expected the 503 page to be asked twice, it was asked " + asked.size() + " times");
            long waitedMillis = (asked.get(1) - asked.get(0)) / 1_000_000;
            if (waitedMillis < 950) throw new AssertionError("Retry-After: 1 asked for a second; the retry came after " + waitedMillis + " ms");
        } finally {
            server.stop(0);
        }
    }

    /** A fetch from the healthy demo API returned every customer, or the check fails saying what came back. */
    static void expectAll(List<JsonNode> customers) {
        if (customers == null) throw new AssertionError("the healthy demo API: fetchAllCustomers returned null");
        if (customers.size() != elkit.local.LocalApi.CUSTOMERS) {
            throw new AssertionError("the healthy demo API: expected " + elkit.local.LocalApi.CUSTOMERS + " customers, got " + customers.size());
        }
    }

    static String abbreviate(List<Integer> ids) {
        return ids.size() <= 6 ? ids.toString() : ids.subList(0, 3) + "..." + ids.subList(ids.size() - 3, ids.size());
    }
}
