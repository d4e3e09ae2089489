//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
package elkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Thin helpers over OkHttp and Jackson for the API lessons: what {@code requests} and urllib3's
 * {@code Retry} give a Python user. A retry policy as an OkHttp interceptor, JSON in and out with
 * errors that name the URL, {@code raise_for_status}, and paginators with a loop guard.
 */
public final class Http {
    private Http() {}

    public static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Default page cap of the paginators: a runaway server is stopped here at the latest. */
    public static final int MAX_PAGES = 1000;

    /** The header that marks a POST as safe to retry: the server applies a repeated key once. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    // ---------------------------------------------------------------- errors

    /** An HTTP status that is an error (4xx/5xx). The message names the method, URL and status. */
    public static class StatusException extends IOException {
        private final int status;
        private final String url;

        public StatusException(String message, int status, String url) {
            super(message);
            this.status = status;
            this.url = url;
        }

        public int status() { return status; }
        public String url() { return url; }
    }

    /** A request that kept failing through every retry. */
    public static final class RetriesExhausted extends StatusException {
        RetriesExhausted(String message, int status, String url) { super(message, status, url); }
    }

    /** No answer within a configured timeout. The message names the URL and the bound. */
    public static final class Timeout extends InterruptedIOException {
        Timeout(String message, Throwable cause) {
            super(message);
            if (cause != null) initCause(cause);
        }
    }

    /** Pagination that does not end by itself: the page cap was reached, or a page or cursor came back. */
    public static final class RunawayPagination extends IOException {
        RunawayPagination(String message) { super(message); }
    }

    // ---------------------------------------------------------------- the client

    /**
     * The retry policy, urllib3's {@code Retry(total, backoff_factor, status_forcelist)}: up to
     * {@code maxRetries} retries on {@code statuses} and on connection errors, waiting
     * {@code backoff * 2^(n-1)} (1, 2, 4 s for 1 s), or what the server's {@code Retry-After} asks,
     * when that is at most {@code maxWait}. {@code log} hears each retry (e.g. {@code System.out::println}).
     */
    public record Retry(int maxRetries, Duration backoff, Set<Integer> statuses, Duration maxWait,
                        Consumer<String> log) {
        public static final Set<Integer> RETRY_STATUSES = Set.of(429, 500, 502, 503, 504);

        /** 3 retries, 1 s backoff, on 429/500/502/503/504, Retry-After honoured up to 120 s, silent. */
        public static Retry standard() {
            return new Retry(3, Duration.ofSeconds(1), RETRY_STATUSES, Duration.ofSeconds(120), message -> {});
        }

        public Retry withBackoff(Duration backoff) {
            return new Retry(maxRetries, backoff, statuses, maxWait, log);
        }

        public Retry withLog(Consumer<String> log) {
            return new Retry(maxRetries, backoff, statuses, maxWait, log);
        }

        /** The wait before retry {@code n} (1-based) when the server does not say. */
        public Duration backoffFor(int n) {
            return backoff.multipliedBy(1L << Math.min(n - 1, 20));
        }
    }

    /** A client with connect, read and call timeouts, and the retry policy as an interceptor. */
    public static OkHttpClient client(Duration connect, Duration read, Duration call, Retry retry) {
        return new OkHttpClient.Builder()
                .connectTimeout(connect)
                .readTimeout(read)
                .callTimeout(call)
                .addInterceptor(new RetryInterceptor(retry))
                .build();
    }

    /** Connect 5 s, read 10 s, whole call (retries included) 60 s, and {@link Retry#standard()}. */
    public static OkHttpClient client() {
        return client(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60), Retry.standard());
    }

    /**
     * Retries a request by the {@link Retry} policy. Only idempotent methods are retried (GET, HEAD,
     * PUT, DELETE, OPTIONS); a POST or PATCH only when it carries an {@code Idempotency-Key} header.
     * Timeouts are not retried: they surface as {@link Timeout}, naming the URL and the bound.
     */
    public static final class RetryInterceptor implements Interceptor {
        private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");
        private final Retry policy;

        public RetryInterceptor(Retry policy) {
            this.policy = policy;
        }

        @Override
        public Response intercept(Chain chain) throws IOException {
            Request request = chain.request();
            String what = request.method() + " " + request.url();
            long started = System.nanoTime();
            boolean retryable = IDEMPOTENT.contains(request.method()) || request.header(IDEMPOTENCY_KEY) != null;
            for (int retry = 1; ; retry++) {
                Response response;
                try {
                    response = chain.proceed(request);
                } catch (IOException e) {
                    if (chain.call().isCanceled()) throw cancelled(chain, what, started, e);
                    if (e instanceof SocketTimeoutException) {
                        boolean connecting = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect");
                        int millis = connecting ? chain.connectTimeoutMillis() : chain.readTimeoutMillis();
                        throw new Timeout(what + ": no answer within " + seconds(Duration.ofMillis(millis))
                                + (connecting ? " (connect timeout)" : " (read timeout)"), e);
                    }
                    if (e instanceof InterruptedIOException) throw e; // interrupted: never retried
                    if (!retryable || retry > policy.maxRetries() || chain.call().isCanceled()) {
                        throw new IOException(what + ": " + describe(e)
                                + (retry > 1 ? " (after " + (retry - 1) + " retries)" : ""), e);
                    }
                    Duration wait = policy.backoffFor(retry);
                    policy.log().accept(String.format("retry %d/%d in %s: %s failed: %s",
                            retry, policy.maxRetries(), seconds(wait), what, describe(e)));
                    pause(chain, wait, what, started);
                    continue;
                }
                int status = response.code();
                if (!policy.statuses().contains(status) || !retryable) return response;
                String answer = status + reason(response);
                if (retry > policy.maxRetries()) {
                    response.close();
                    throw new RetriesExhausted(what + " failed: " + answer + " after "
                            + policy.maxRetries() + " retries", status, request.url().toString());
                }
                Duration retryAfter = retryAfter(response);
                response.close();
                if (retryAfter != null && retryAfter.compareTo(policy.maxWait()) > 0) {
                    throw new RetriesExhausted(what + " failed: " + answer + ", and the server asks to retry after "
                            + seconds(retryAfter) + ", longer than this client waits (" + seconds(policy.maxWait()) + ")",
                            status, request.url().toString());
                }
                Duration wait = retryAfter != null ? retryAfter : policy.backoffFor(retry);
                policy.log().accept(String.format("retry %d/%d in %s%s: %s answered %s",
                        retry, policy.maxRetries(), seconds(wait), retryAfter != null ? " (Retry-After)" : "",
                        what, answer));
                pause(chain, wait, what, started);
            }
        }

        /** The call was cancelled: by its call timeout (say so, with the bound) or by the caller. */
        private static InterruptedIOException cancelled(Chain chain, String what, long started, Exception cause) {
            long callTimeout = chain.call().timeout().timeoutNanos();
            if (callTimeout > 0 && System.nanoTime() - started >= callTimeout - 50_000_000L) {
                // no cause: the socket's "Socket closed" would hide this message as the root cause
                return new Timeout(what + ": no complete answer within " + seconds(Duration.ofNanos(callTimeout))
                        + " (call timeout, retries included)", null);
            }
            var e = new InterruptedIOException(what + ": cancelled");
            if (cause != null) e.initCause(cause);
            return e;
        }

        /** Sleeps, but gives up when the call is cancelled (its call timeout fired). */
        private static void pause(Chain chain, Duration wait, String what, long started) throws InterruptedIOException {
            long end = System.nanoTime() + wait.toNanos();
            try {
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    if (chain.call().isCanceled()) throw cancelled(chain, what + " (while waiting to retry)", started, null);
                    Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 50)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(what + ": interrupted while waiting to retry");
            }
        }
    }

    /**
     * The server's {@code Retry-After}: delay-seconds or an HTTP date. Null when absent or unreadable.
     * A date is rounded up to the next whole second, since the header carries whole seconds only.
     */
    public static Duration retryAfter(Response response) {
        String value = response.header("Retry-After");
        if (value == null || value.isBlank()) return null;
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            var date = response.headers().getDate("Retry-After");
            if (date == null) return null;
            Duration left = Duration.between(Instant.now(), date.toInstant());
            return left.isNegative() ? Duration.ZERO : left;
        }
    }

    // ---------------------------------------------------------------- statuses and JSON

    /** {@code response.raise_for_status()}: throws on 4xx/5xx, naming the method, URL and status. */
    public static Response raiseForStatus(Response response) throws StatusException {
        int status = response.code();
        if (status >= 400) {
            Request request = response.request();
            String reason = reason(response);
            response.close();
            throw new StatusException(request.method() + " " + request.url() + " failed: " + status
                    + (reason.isEmpty() ? (status < 500 ? " Client Error" : " Server Error") : reason),
                    status, request.url().toString());
        }
        return response;
    }

    /** The body parsed as JSON. Malformed JSON gives an error that names the URL and the position. */
    public static JsonNode readJson(Response response) throws IOException {
        Request request = response.request();
        String body = response.body().string();
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new IOException(request.method() + " " + request.url() + " answered " + response.code()
                    + " with malformed JSON" + (where == null ? "" : " at line " + where.getLineNr()
                    + ", column " + where.getColumnNr()) + ": " + e.getOriginalMessage()
                    + " (body starts with: " + preview(body) + ")");
        }
    }

    /** {@code json=payload}: a Java value (a Map, a record, a List ...) as a JSON request body. */
    public static RequestBody json(Object value) {
        try {
            return RequestBody.create(MAPPER.writeValueAsString(value), JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** GET {@code url} with the headers of {@code template}, raise for status, parse the JSON. */
    public static JsonNode getJson(OkHttpClient client, Request template, HttpUrl url) throws IOException {
        try (Response response = client.newCall(template.newBuilder().url(url).build()).execute()) {
            return readJson(raiseForStatus(response));
        }
    }

    // ---------------------------------------------------------------- pagination

    /**
     * Stops pagination that would never end: at most {@code maxPages} pages, and a stop as soon
     * as a page (its position: page number, cursor, next link; or its content) is seen twice.
     */
    public static final class LoopGuard {
        private final int maxPages;
        private final String what;
        private final Set<String> seen = new HashSet<>();
        private int pages;

        public LoopGuard(String what, int maxPages) {
            this.what = what;
            this.maxPages = maxPages;
        }

        public LoopGuard(String what) {
            this(what, MAX_PAGES);
        }

        /** Call once per page with what identifies it; throws {@link RunawayPagination} on a loop. */
        public void check(String position, JsonNode content) throws RunawayPagination {
            pages++;
            if (pages > maxPages) {
                throw new RunawayPagination(what + ": stopped after " + maxPages + " pages (the page cap)"
                        + " at " + position + "; raise the cap if the data really is that long");
            }
            if (!seen.add("position " + position)) {
                throw new RunawayPagination(what + ": " + position + " came back a second time, so the"
                        + " pagination would never end; stopped after " + (pages - 1) + " pages");
            }
            if (content != null && !content.isEmpty() && !seen.add("content " + content)) {
                throw new RunawayPagination(what + ": " + position + " returned the same items as an earlier"
                        + " page (the server ignores the paging parameters?); stopped after " + (pages - 1) + " pages");
            }
        }

        public int pages() {
            return pages;
        }
    }

    /** Page numbers: {@code ?page=1, 2, ...} until {@code itemsField} is an empty list. */
    public static List<JsonNode> pagesByNumber(OkHttpClient client, Request template, String pageParam,
                                               String itemsField, int maxPages) throws IOException {
        var all = new ArrayList<JsonNode>();
        var guard = new LoopGuard("GET " + template.url(), maxPages);
        for (int page = 1; ; page++) {
            HttpUrl url = template.url().newBuilder().setQueryParameter(pageParam, String.valueOf(page)).build();
            JsonNode items = items(getJson(client, template, url), itemsField, url);
            if (items.isEmpty()) return all;
            guard.check(pageParam + "=" + page, items);
            items.forEach(all::add);
        }
    }

    /** Offset and limit: {@code ?limit=L&offset=0, L, 2L ...} until a batch is empty. */
    public static List<JsonNode> pagesByOffset(OkHttpClient client, Request template, int limit,
                                               String itemsField, int maxPages) throws IOException {
        var all = new ArrayList<JsonNode>();
        var guard = new LoopGuard("GET " + template.url(), maxPages);
        for (int offset = 0; ; offset += limit) {
            HttpUrl url = template.url().newBuilder().setQueryParameter("limit", String.valueOf(limit))
                    .setQueryParameter("offset", String.valueOf(offset)).build();
            JsonNode items = items(getJson(client, template, url), itemsField, url);
            if (items.isEmpty()) return all;
            guard.check("offset=" + offset, items);
            items.forEach(all::add);
        }
    }

    /**
     * A cursor: each answer names the next one at {@code nextCursorPointer} (a JSON pointer such
     * as {@code /next_cursor}); it ends when that is missing, null or empty. A repeated cursor stops.
     */
    public static List<JsonNode> pagesByCursor(OkHttpClient client, Request template, String cursorParam,
                                               String itemsField, String nextCursorPointer, int maxPages)
            throws IOException {
        var all = new ArrayList<JsonNode>();
        var guard = new LoopGuard("GET " + template.url(), maxPages);
        String cursor = null;
        while (true) {
            HttpUrl url = cursor == null ? template.url()
                    : template.url().newBuilder().setQueryParameter(cursorParam, cursor).build();
            guard.check(cursor == null ? "the first page" : cursorParam + "=" + cursor, null);
            JsonNode body = getJson(client, template, url);
            items(body, itemsField, url).forEach(all::add);
            JsonNode next = body.at(nextCursorPointer);
            if (next.isMissingNode() || next.isNull() || next.asText().isEmpty()) return all;
            cursor = next.asText();
        }
    }

    /**
     * The {@code Link: <url>; rel="next"} header (GitHub style): follows it until there is none.
     * {@code itemsField} null means the body itself is the list.
     */
    public static List<JsonNode> pagesByLinkHeader(OkHttpClient client, Request template, String itemsField,
                                                   int maxPages) throws IOException {
        var all = new ArrayList<JsonNode>();
        var guard = new LoopGuard("GET " + template.url(), maxPages);
        HttpUrl url = template.url();
        while (url != null) {
            guard.check(url.toString(), null);
            try (Response response = client.newCall(template.newBuilder().url(url).build()).execute()) {
                items(readJson(raiseForStatus(response)), itemsField, url).forEach(all::add);
                url = nextLink(response);
            }
        }
        return all;
    }

    /** The {@code rel="next"} target of a {@code Link} header, resolved against the request URL. */
    public static HttpUrl nextLink(Response response) {
        for (String header : response.headers("Link")) {
            for (String part : header.split(",(?=\\s*<)")) {
                var match = java.util.regex.Pattern
                        .compile("<([^>]*)>.*;\\s*rel\\s*=\\s*\"?([^\";]*)\"?").matcher(part.trim());
                if (match.find() && List.of(match.group(2).trim().split("\\s+")).contains("next")) {
                    return response.request().url().resolve(match.group(1));
                }
            }
        }
        return null;
    }

    private static JsonNode items(JsonNode body, String field, HttpUrl url) throws IOException {
        JsonNode items = field == null ? body : body.get(field);
        if (items == null || !items.isArray()) {
            throw new IOException("GET " + url + ": expected a JSON list" + (field == null ? "" : " in \"" + field + "\"")
                    + ", got: " + preview(body.toString()));
        }
        return items;
    }

    // ---------------------------------------------------------------- small things

    private static final java.util.Map<Integer, String> REASONS = java.util.Map.of(
            400, "Bad Request", 401, "Unauthorized", 403, "Forbidden", 404, "Not Found",
            429, "Too Many Requests", 500, "Internal Server Error", 502, "Bad Gateway",
            503, "Service Unavailable", 504, "Gateway Timeout");

    /** The reason phrase; some servers send none (HTTP/2 never does), so the usual one stands in. */
    private static String reason(Response response) {
        String message = response.message();
        if (message == null || message.isBlank()) message = REASONS.get(response.code());
        return message == null ? "" : " " + message;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String preview(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() <= 60 ? "'" + flat + "'" : "'" + flat.substring(0, 60) + "...'";
    }
}
