package elkit.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The demo shop for the scraping lesson: a real HTTP server (the JDK's com.sun.net.httpserver) on
 * 127.0.0.1 serving a small static HTML catalogue, {@code /shop/}, and a page without products,
 * {@code /shop/sold-out.html}. It records the User-Agent of each request, so tests can check that
 * a scraper introduces itself.
 */
public final class LocalShop implements LocalServer {

    static final String INDEX = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>ELKit Demo Shop</title></head>
            <body>
              <nav>
                <a href="/shop/">Home</a>
                <a href="/shop/sold-out.html">Sold out</a>
                <a href="https://example.com/about">About us</a>
              </nav>
              <h1>Today's offers</h1>
              <div class="product" id="p1">
                <h3>Laptop Pro 14</h3>
                <span class="price">$1,299.00</span>
                <a href="/shop/products/1">Details</a>
              </div>
              <div class="product" id="p2">
                <h3>Wireless Mouse</h3>
                <span class="price">$24.99</span>
                <a href="/shop/products/2">Details</a>
              </div>
              <div class="product" id="p3">
                <h3>USB-C Hub</h3>
                <span class="price">$39.50</span>
                <a href="/shop/products/3">Details</a>
              </div>
              <div class="product" id="p4">
                <h3>Mechanical Keyboard</h3>
                <span class="price sale">$89.00</span>
                <a href="/shop/products/4">Details</a>
              </div>
              <footer><p>Prices include VAT. <span class="price">Not a product price</span></p></footer>
            </body>
            </html>
            """;

    static final String SOLD_OUT = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Sold out - ELKit Demo Shop</title></head>
            <body>
              <h1>Everything is sold out</h1>
              <p>Come back tomorrow.</p>
            </body>
            </html>
            """;

    private static final Map<String, String> PAGES = Map.of(
            "/shop/", INDEX, "/shop/index.html", INDEX, "/shop/sold-out.html", SOLD_OUT);

    private final HttpServer server;
    private final List<String> userAgents = new CopyOnWriteArrayList<>();

    private LocalShop(HttpServer server) {
        this.server = server;
    }

    /** Starts the shop on 127.0.0.1, on a free port, and prints one line saying so. */
    public static LocalShop start() {
        long started = System.nanoTime();
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var shop = new LocalShop(server);
            server.createContext("/", shop::handle);
            server.start();
            LocalServer.announce("SCRAPE_URL", "a local demo shop (JDK HttpServer)", shop.url(), started);
            return shop;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local demo shop on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** SCRAPE_URL: the shop's front page. */
    public Map<String, String> env() {
        return Map.of("SCRAPE_URL", url() + "/shop/");
    }

    /** The User-Agent header of every request so far. */
    public List<String> userAgents() {
        return List.copyOf(userAgents);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            userAgents.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
            String page = exchange.getRequestMethod().equals("GET") ? PAGES.get(exchange.getRequestURI().getPath()) : null;
            byte[] body = (page != null ? page : "<!DOCTYPE html><title>Not found</title><h1>404 Not found</h1>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(page != null ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
