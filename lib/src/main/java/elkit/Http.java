//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
package elkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Thin helpers over OkHttp and Jackson for the API lessons: what {@code requests} gives a Python user
 * and OkHttp does not. JSON in and out with errors that name the URL, {@code raise_for_status}, and
 * paginators with a loop guard. Retries are Failsafe's, with the adapters in {@link Retries}.
 */
public final class Http {
    private Http() {}

    public static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Default page cap of the paginators: a runaway server is stopped here at the latest. */
    public static final int MAX_PAGES = 1000;

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

    /** Pagination that does not end by itself: the page cap was reached, or a page or cursor came back. */
    public static final class RunawayPagination extends IOException {
        RunawayPagination(String message) { super(message); }
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

    /**
     * How a paginator sends one request: {@code send(client)} sends it plainly; a lambda can send it
     * through a retry policy: {@code request -> FailsafeCall.with(policy).compose(client.newCall(request)).execute()}.
     */
    @FunctionalInterface
    public interface Send {
        Response execute(Request request) throws IOException;
    }

    /** Sends each request once with {@code client}, no retries. */
    public static Send send(OkHttpClient client) {
        return request -> client.newCall(request).execute();
    }

    /** GET {@code url} with the headers of {@code template}, raise for status, parse the JSON. */
    public static JsonNode getJson(Send client, Request template, HttpUrl url) throws IOException {
        try (Response response = client.execute(template.newBuilder().url(url).build())) {
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
    public static List<JsonNode> pagesByNumber(Send client, Request template, String pageParam,
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
    public static List<JsonNode> pagesByOffset(Send client, Request template, int limit,
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
    public static List<JsonNode> pagesByCursor(Send client, Request template, String cursorParam,
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
    public static List<JsonNode> pagesByLinkHeader(Send client, Request template, String itemsField,
                                                   int maxPages) throws IOException {
        var all = new ArrayList<JsonNode>();
        var guard = new LoopGuard("GET " + template.url(), maxPages);
        HttpUrl url = template.url();
        while (url != null) {
            guard.check(url.toString(), null);
            try (Response response = client.execute(template.newBuilder().url(url).build())) {
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
    static String reason(Response response) {
        String message = response.message();
        if (message == null || message.isBlank()) message = REASONS.get(response.code());
        return message == null ? "" : " " + message;
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
