package elkit.tests.support;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A second, independent implementation of the API contract in 03-apis.md, scripted on
 * MockWebServer (a real HTTP server on 127.0.0.1). It shares no code with elkit.local.LocalApi: a
 * lesson that works against both depends on the contract, not on the demo server. It injects no
 * faults, and {@code override} lets a test replace the answer for one path.
 */
public final class ContractApi implements AutoCloseable {
    public static final String TOKEN = "independent-token-4711";

    public final MockWebServer server = new MockWebServer();
    public final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    public final List<Long> arrivals = new CopyOnWriteArrayList<>();
    public volatile Function<RecordedRequest, MockResponse> override = request -> null;

    public ContractApi() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                arrivals.add(System.nanoTime());
                MockResponse custom = override.apply(request);
                return custom != null ? custom : answer(request);
            }
        });
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    /** The env vars a lesson needs to use this server. */
    public Map<String, String> env() {
        return Map.of("API_BASE_URL", server.url("/api/v1").toString().replaceAll("/$", ""),
                "API_TOKEN", TOKEN,
                "POKEAPI_BASE_URL", server.url("/poke").toString().replaceAll("/$", ""));
    }

    public List<RecordedRequest> requestsTo(String path) {
        return requests.stream().filter(r -> r.getUrl().encodedPath().equals(path)).toList();
    }

    public static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    private static MockResponse answer(RecordedRequest request) {
        var url = request.getUrl();
        String path = url.encodedPath();
        switch (path) {
            case "/poke/pokemon/1":
                return json(200, "{\"id\": 1, \"name\": \"bulbasaur\", \"height\": 7}");
            case "/api/v1/products":
                return json(200, "{\"products\": [{\"id\": 77, \"name\": \"Independent Gadget\", \"price\": 5.5}]}");
            case "/api/v1/data":
                if (!("Bearer " + TOKEN).equals(request.getHeaders().get("Authorization"))) return json(401, "{}");
                return json(200, "{\"data\": [{\"source\": \"independent\"}]}");
            case "/api/v1/orders":
                if (!request.getMethod().equals("POST")) return json(405, "{}");
                return json(201, "{\"order_id\": \"IND-1\"}");
            case "/api/v1/customers": {
                int limit = Integer.parseInt(url.queryParameter("limit"));
                int offset = Integer.parseInt(url.queryParameter("offset"));
                return json(200, "{\"customers\": [" + IntStream.rangeClosed(offset + 1, Math.min(offset + limit, 130))
                        .mapToObj(i -> "{\"customer_id\": " + i + "}").collect(Collectors.joining(", ")) + "]}");
            }
            case "/api/v1/items": {
                int page = Integer.parseInt(url.queryParameter("page"));
                return json(200, "{\"results\": [" + IntStream.rangeClosed(page * 7 - 6, Math.min(page * 7, 20))
                        .mapToObj(i -> "{\"id\": " + i + "}").collect(Collectors.joining(", ")) + "]}");
            }
            default:
                return json(404, "{\"error\": \"no route\"}");
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
