///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "HTML Web Scraping - Bonus": jsoup fetches and parses a page, then finds the title, the links, the products and the prices by CSS selector.
//DEPS org.jsoup:jsoup:1.24.1
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/local/LocalShop.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java

import elkit.Options;

import elkit.Cli;
import elkit.Env;
import elkit.local.LocalShop;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import org.jsoup.Connection;
import org.jsoup.HttpStatusException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;

/**
 * Usage: scrape-html [--verbose]
 * Scrapes SCRAPE_URL, else the local demo shop on 127.0.0.1.
 */
class scrape_html {

    // A polite scraper says who it is, and does not wait forever
    static final String USER_AGENT = "ELKit-lesson-scraper/0.1 (teaching example; polite: one request, no crawling)";
    static final int TIMEOUT_MILLIS = 10_000;

    static final Options OPTIONS = Options.usage("scrape-html")
            .env("Scraping");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(scrape_html::lesson));
    }

    static void lesson(List<String> args) throws IOException {
        if (!args.isEmpty()) throw Cli.fail(2, "usage: scrape-html [--verbose]   (the page comes from SCRAPE_URL)");

        // The target: the page of SCRAPE_URL, else the local demo shop (a real HTTP server on 127.0.0.1)
        try (var local = Env.optional("SCRAPE_URL").isPresent() ? null : LocalShop.start()) {
            var env = local != null ? local.env() : System.getenv();
            teach(env.get("SCRAPE_URL"));
        }
    }

    static void teach(String url) throws IOException {

        // Fetch webpage
        Cli.step("Fetch webpage: " + url);
        Connection.Response response;
        try {
            response = Jsoup.connect(url)
                    .userAgent(USER_AGENT)
                    .timeout(TIMEOUT_MILLIS)
                    .execute();
        } catch (HttpStatusException e) {
            throw Cli.fail("GET %s answered %d: no page to scrape", url, e.getStatusCode());
        } catch (SocketTimeoutException e) {
            throw Cli.fail("GET %s: no answer within %d s", url, TIMEOUT_MILLIS / 1000);
        } catch (IOException e) { // refused, unknown host ...: Cli.reason names it; --verbose keeps the trace
            throw Cli.fail(e, "GET %s failed: %s", url, Cli.reason(e));
        }
        System.out.println(response.statusCode() + " " + response.contentType() + ", " + response.bodyAsBytes().length + " bytes");

        // Parse HTML
        Document doc = response.parse(); // BeautifulSoup(response.content, ...): jsoup parses like a browser

        // Find elements
        Cli.step("Find elements: the title");
        Element title = doc.selectFirst("title");
        if (title != null) {
            System.out.println("Page title: " + title.text());
        } else {
            System.out.println("Page title: (missing: the page has no <title>)");
        }

        // Find all links
        Cli.step("Find all links");
        Elements links = doc.select("a");
        for (Element link : links) {
            String href = link.attr("href");
            String text = link.text();
            System.out.println(text + ": " + href);
        }
        if (links.isEmpty()) System.out.println("(missing: the page has no <a> links)");

        // Find by CSS class
        Cli.step("Find by CSS class: div.product -> h3 and span.price");
        Elements products = doc.select("div.product");
        for (Element product : products) {
            Element name = product.selectFirst("h3");
            Element price = product.selectFirst("span.price");
            if (name == null || price == null) {
                System.out.println("(skipped a div.product: missing " + (name == null ? "h3" : "span.price")
                        + " in " + product.outerHtml().replaceAll("\\s+", " ") + ")");
                continue;
            }
            System.out.println(name.text() + ": " + price.text());
        }
        if (products.isEmpty()) System.out.println("(missing: no div.product on this page, nothing to extract)");

        // Find by CSS selector
        Cli.step("Find by CSS selector: .product .price");
        Elements items = doc.select(".product .price");
        for (Element item : items) {
            System.out.println(item.text());
        }
        if (items.isEmpty()) System.out.println("(missing: nothing matches .product .price)");
    }
}
