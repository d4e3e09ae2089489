//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
package elkit.local;

import elkit.Scratch;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo API of the lessons: a real HTTP server (the JDK's own com.sun.net.httpserver) on
 * 127.0.0.1 that honours the contract in chapters/05-extract-load/03-apis.md, the counterpart of
 * {@code https://api.example.com/v1}, plus a PokeAPI fixture for {@code /pokemon/1}.
 *
 * <pre>
 *   GET  /v1/products?limit&amp;offset&amp;category   {"products": [...], "total": n}
 *   GET  /v1/data                               needs Authorization: Bearer $API_TOKEN, else 401
 *   POST /v1/orders                             JSON order -> 201 {"order_id": ...}; a repeated
 *                                               Idempotency-Key answers the same order_id again
 *   GET  /v1/customers?limit&amp;offset             {"customers": [...]}, empty when done
 *   GET  /v1/items?page=N                       {"results": [...]}, empty when done
 *   GET  /v1/accounts?updated_since&amp;after_id&amp;limit  {"accounts": [...]}: accounts changed at or after
 *                                               updated_since (ISO-8601, UTC, whole seconds), in
 *                                               (updated_at, id) order; after_id skips the ones at
 *                                               exactly updated_since with an id up to it
 *   PATCH /v1/accounts/ID                       {"plan": "..."} changes an account; its updated_at
 *                                               becomes the API's clock, one second later than the
 *                                               latest change so far
 *   GET  /api/v2/pokemon/1                      the PokeAPI answer for bulbasaur (trimmed)
 * </pre>
 *
 * Faults, on any route, by query parameter: {@code fail=503} answers that status, {@code times=2}
 * only for the first two such requests (counted per {@code fault_id}, else per URL),
 * {@code retry_after=2} or {@code retry_after_date=2} adds Retry-After as seconds or as an HTTP date
 * that far ahead, {@code slow_ms=3000} waits before answering.
 */
public final class LocalApi implements LocalServer {
    public static final int CUSTOMERS = 250;
    public static final int ITEMS = 42;
    public static final int ITEMS_PER_PAGE = 10;
    public static final int ACCOUNTS = 50;
    /** Accounts 1-50 were last changed five to a second from this instant on: many share a timestamp. */
    public static final java.time.Instant ACCOUNTS_START = java.time.Instant.parse("2025-01-01T00:00:00Z");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String POKEMON_1 = """
            {"id": 1, "name": "bulbasaur", "base_experience": 64, "height": 7, "weight": 69, "order": 1,
             "is_default": true,
             "types": [{"slot": 1, "type": {"name": "grass", "url": "https://pokeapi.co/api/v2/type/12/"}},
                       {"slot": 2, "type": {"name": "poison", "url": "https://pokeapi.co/api/v2/type/4/"}}],
             "abilities": [{"ability": {"name": "overgrow", "url": "https://pokeapi.co/api/v2/ability/65/"}, "is_hidden": false, "slot": 1},
                           {"ability": {"name": "chlorophyll", "url": "https://pokeapi.co/api/v2/ability/34/"}, "is_hidden": true, "slot": 3}],
             "stats": [{"base_stat": 45, "effort": 0, "stat": {"name": "hp"}},
                       {"base_stat": 49, "effort": 0, "stat": {"name": "attack"}},
                       {"base_stat": 49, "effort": 0, "stat": {"name": "defense"}}]}
            """;
    private static final List<Map<String, Object>> PRODUCTS = List.of(
            product(1, "Laptop Pro 14", "electronics", 1299.00),
            product(2, "Wireless Mouse", "electronics", 24.99),
            product(3, "USB-C Hub", "electronics", 39.50),
            product(4, "Noise-Cancelling Headphones", "electronics", 199.00),
            product(5, "27-inch Monitor", "electronics", 279.99),
            product(6, "Mechanical Keyboard", "electronics", 89.00),
            product(7, "Webcam HD", "electronics", 49.90),
            product(8, "Portable SSD 1 TB", "electronics", 109.00),
            product(9, "Designing Data-Intensive Applications", "books", 42.00),
            product(10, "Fundamentals of Data Engineering", "books", 55.00),
            product(11, "Garden Hose 20 m", "garden", 32.00),
            product(12, "Pruning Shears", "garden", 18.50),
            product(13, "Smartphone Stand", "electronics", 14.99));

    private final HttpServer server;
    private final ExecutorService executor;
    private final String token;
    private final Map<String, AtomicInteger> faultCounts = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<JsonNode> orders = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextOrderId = new AtomicInteger(1001);
    private final Map<String, Integer> orderIdsByKey = new ConcurrentHashMap<>();
    private final java.util.TreeMap<Integer, ObjectNode> accounts = new java.util.TreeMap<>();

    private LocalApi(HttpServer server, ExecutorService executor, String token) {
        this.server = server;
        this.executor = executor;
        this.token = token;
        for (int id = 1; id <= ACCOUNTS; id++) {
            accounts.put(id, MAPPER.createObjectNode().put("id", id).put("name", String.format("Account %02d", id))
                    .put("plan", id % 3 == 0 ? "pro" : "basic")
                    .put("updated_at", ACCOUNTS_START.plusSeconds((id - 1) / 5).toString()));
        }
    }

    /** Starts the demo API on 127.0.0.1, on a free port, with a fresh random token, and prints one line saying so. */
    public static LocalApi start() {
        return start("API_BASE_URL");
    }

    /** {@link #start()}, saying that {@code unsetVariable} (API_BASE_URL or POKEAPI_BASE_URL) is why. */
    public static LocalApi start(String unsetVariable) {
        long started = System.nanoTime();
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var executor = Executors.newCachedThreadPool(task -> {
                var thread = new Thread(task, "local-api");
                thread.setDaemon(true);
                return thread;
            });
            var api = new LocalApi(server, executor, "demo-" + Scratch.secret(12));
            server.createContext("/", api::handle);
            server.setExecutor(executor);
            server.start();
            LocalServer.announce(unsetVariable, "a local demo API (JDK HttpServer)", api.url(), started);
            return api;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local demo API on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The contract variables that point a lesson at this server. */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("API_BASE_URL", url() + "/v1");
        env.put("API_TOKEN", token);
        env.put("POKEAPI_BASE_URL", url() + "/api/v2");
        return env;
    }

    /** Every request so far, as {@code GET /v1/items?page=1}, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The orders accepted by {@code POST /v1/orders}. */
    public List<JsonNode> orders() {
        return List.copyOf(orders);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- routes

    private record Answer(int status, Map<String, String> headers, String body) {
        static Answer json(int status, Object body) {
            try {
                return new Answer(status, Map.of(), body instanceof String s ? s : MAPPER.writeValueAsString(body));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Answer error(int status, String message) {
            return json(status, Map.of("error", message));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            requests.add(method + " " + path + (rawQuery == null ? "" : "?" + rawQuery));
            Map<String, String> query = query(rawQuery);
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer;
            try {
                answer = fault(path, rawQuery, query);
                if (answer == null) answer = route(method, path, query, exchange, body);
            } catch (BadRequest e) {
                answer = Answer.error(400, e.getMessage());
            } catch (InterruptedException e) {
                return; // the server is stopping
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) exchange.getResponseBody().write(bytes);
        }
    }

    /** The fault the query asks for, or null. {@code slow_ms} sleeps and then lets the route answer. */
    private Answer fault(String path, String rawQuery, Map<String, String> query) throws InterruptedException {
        if (query.containsKey("slow_ms")) Thread.sleep(number(query, "slow_ms", 0));
        if (!query.containsKey("fail")) return null;
        int status = number(query, "fail", 500);
        if (status < 400 || status > 599) throw new BadRequest("fail must be a status from 400 to 599");
        if (query.containsKey("times")) {
            String key = query.getOrDefault("fault_id", path + "?" + rawQuery);
            int seen = faultCounts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (seen > number(query, "times", 0)) return null;
        }
        var headers = new LinkedHashMap<String, String>();
        if (query.containsKey("retry_after")) headers.put("Retry-After", query.get("retry_after"));
        if (query.containsKey("retry_after_date")) {
            var when = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(number(query, "retry_after_date", 0));
            headers.put("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(when));
        }
        return new Answer(status, headers, "{\"error\": \"injected fault: " + status + "\"}");
    }

    private Answer route(String method, String path, Map<String, String> query, HttpExchange exchange, String body) {
        if (path.equals("/api/v2/pokemon/1") || path.equals("/api/v2/pokemon/bulbasaur")
                || path.equals("/api/v2/pokemon/1/") || path.equals("/api/v2/pokemon/bulbasaur/")) {
            return get(method, () -> Answer.json(200, POKEMON_1));
        }
        if (path.startsWith("/api/v2/pokemon/")) {
            return Answer.json(404, Map.of("detail", "Not found. (this local fixture only has /pokemon/1)"));
        }
        switch (path) {
            case "/v1/products": return get(method, () -> products(query));
            case "/v1/data": return get(method, () -> data(exchange));
            case "/v1/customers": return get(method, () -> customers(query));
            case "/v1/items": return get(method, () -> items(query));
            case "/v1/accounts": return get(method, () -> accounts(query));
            case "/v1/orders":
                if (!method.equals("POST")) return Answer.error(405, "use POST to create an order");
                return order(body, exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            default:
                if (path.matches("/v1/accounts/\\d+")) {
                    if (!method.equals("PATCH")) return Answer.error(405, "use PATCH to change an account");
                    return changeAccount(Integer.parseInt(path.substring("/v1/accounts/".length())), body);
                }
                return Answer.error(404, "not found: " + path);
        }
    }

    private static Answer get(String method, java.util.function.Supplier<Answer> answer) {
        return method.equals("GET") ? answer.get() : Answer.error(405, "use GET");
    }

    private Answer products(Map<String, String> query) {
        int limit = number(query, "limit", 10);
        int offset = number(query, "offset", 0);
        String category = query.get("category");
        var matching = PRODUCTS.stream()
                .filter(p -> category == null || category.equals(p.get("category"))).toList();
        var page = matching.subList(Math.min(offset, matching.size()), Math.min(offset + limit, matching.size()));
        var answer = new LinkedHashMap<String, Object>();
        answer.put("products", page);
        answer.put("total", matching.size());
        answer.put("limit", limit);
        answer.put("offset", offset);
        return Answer.json(200, answer);
    }

    private Answer data(HttpExchange exchange) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.equals("Bearer " + token)) {
            var headers = Map.of("WWW-Authenticate", "Bearer realm=\"elkit demo\"");
            String why = auth == null ? "missing Authorization: Bearer <token>" : "invalid token";
            return new Answer(401, headers, "{\"error\": \"" + why + "\"}");
        }
        var rows = MAPPER.createArrayNode();
        String[] days = {"2025-10-13", "2025-10-14", "2025-10-15"};
        int[] orderCounts = {42, 37, 51};
        double[] revenue = {5120.40, 4388.75, 6230.10};
        for (int i = 0; i < days.length; i++) {
            rows.addObject().put("date", days[i]).put("orders", orderCounts[i]).put("revenue", revenue[i]);
        }
        ObjectNode answer = MAPPER.createObjectNode();
        answer.set("data", rows);
        return Answer.json(200, answer);
    }

    private Answer customers(Map<String, String> query) {
        int limit = number(query, "limit", 100);
        int offset = number(query, "offset", 0);
        if (limit < 1 || limit > 1000) throw new BadRequest("limit must be between 1 and 1000");
        ArrayNode batch = MAPPER.createArrayNode();
        for (int id = offset + 1; id <= Math.min(offset + limit, CUSTOMERS); id++) {
            batch.addObject().put("customer_id", id).put("name", String.format("Customer %03d", id))
                    .put("email", String.format("customer%03d@example.com", id));
        }
        ObjectNode answer = MAPPER.createObjectNode();
        answer.set("customers", batch);
        return Answer.json(200, answer);
    }

    private Answer items(Map<String, String> query) {
        int page = number(query, "page", 1);
        if (page < 1) throw new BadRequest("page starts at 1");
        ArrayNode results = MAPPER.createArrayNode();
        for (int id = (page - 1) * ITEMS_PER_PAGE + 1; id <= Math.min(page * ITEMS_PER_PAGE, ITEMS); id++) {
            results.addObject().put("id", id).put("name", String.format("item-%02d", id));
        }
        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("page", page);
        answer.set("results", results);
        return Answer.json(200, answer);
    }

    /** Accounts changed since a cursor, oldest change first; the cursor is (updated_since, after_id). */
    private synchronized Answer accounts(Map<String, String> query) {
        int limit = number(query, "limit", 10);
        if (limit < 1 || limit > 100) throw new BadRequest("limit must be between 1 and 100");
        java.time.Instant since;
        try {
            since = java.time.Instant.parse(query.getOrDefault("updated_since", "1970-01-01T00:00:00Z"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequest("updated_since must be an ISO-8601 instant such as 2025-01-01T00:00:00Z, got '" + query.get("updated_since") + "'");
        }
        int afterId = number(query, "after_id", 0);
        var page = accounts.values().stream()
                .filter(a -> {
                    var at = java.time.Instant.parse(a.get("updated_at").asText());
                    return at.isAfter(since) || (at.equals(since) && a.get("id").asInt() > afterId);
                })
                .sorted(java.util.Comparator.comparing((ObjectNode a) -> java.time.Instant.parse(a.get("updated_at").asText()))
                        .thenComparing(a -> a.get("id").asInt()))
                .limit(limit)
                .toList();
        ObjectNode answer = MAPPER.createObjectNode();
        answer.set("accounts", MAPPER.valueToTree(page));
        return Answer.json(200, answer);
    }

    private synchronized Answer changeAccount(int id, String body) {
        ObjectNode account = accounts.get(id);
        if (account == null) return Answer.error(404, "no account " + id);
        JsonNode change;
        try {
            change = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return Answer.error(400, "the change is not valid JSON: " + e.getOriginalMessage());
        }
        if (change == null || !change.hasNonNull("plan")) return Answer.error(422, "the change needs a plan");
        var latest = accounts.values().stream().map(a -> java.time.Instant.parse(a.get("updated_at").asText()))
                .max(java.util.Comparator.naturalOrder()).orElse(ACCOUNTS_START);
        account.put("plan", change.get("plan").asText()).put("updated_at", latest.plusSeconds(1).toString());
        return Answer.json(200, account);
    }

    /** A repeated Idempotency-Key gets the first answer again and creates nothing: retrying is safe. */
    private synchronized Answer order(String body, String idempotencyKey) {
        JsonNode order;
        try {
            order = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return Answer.error(400, "the order is not valid JSON: " + e.getOriginalMessage());
        }
        if (order == null || !order.isObject()) return Answer.error(400, "the order must be a JSON object");
        if (!order.has("customer_id")) return Answer.error(422, "the order needs a customer_id");
        Integer known = idempotencyKey == null ? null : orderIdsByKey.get(idempotencyKey);
        int orderId = known != null ? known : nextOrderId.getAndIncrement();
        if (known == null) {
            orders.add(order);
            if (idempotencyKey != null) orderIdsByKey.put(idempotencyKey, orderId);
        }
        var answer = new LinkedHashMap<String, Object>();
        answer.put("order_id", orderId);
        answer.put("status", "created");
        return Answer.json(201, answer);
    }

    // ---------------------------------------------------------------- small things

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) { super(message); }
    }

    private static Map<String, Object> product(int id, String name, String category, double price) {
        var product = new LinkedHashMap<String, Object>();
        product.put("id", id);
        product.put("name", name);
        product.put("category", category);
        product.put("price", price);
        return product;
    }

    private static int number(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        if (value == null) return fallback;
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a whole number, got '" + value + "'");
        }
    }

    private static Map<String, String> query(String rawQuery) {
        var params = new LinkedHashMap<String, String>();
        if (rawQuery == null || rawQuery.isEmpty()) return params;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }
}
