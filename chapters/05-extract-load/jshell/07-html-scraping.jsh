// JShell walkthrough of notebooks/07-html-scraping.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/07-html-scraping.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/07-html-scraping.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/scrape-html.java

// # HTML web scraping (bonus)
//
// **jsoup** fetches the page and parses it, then CSS selectors find the title, the links, the products and the prices, as in `scripts/scrape-html.java`. See `chapters/05-extract-load/07-html-scraping.md`.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

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

// A polite scraper says who it is and does not wait forever:

static final String USER_AGENT = "ELKit-lesson-scraper/0.1 (teaching example; polite: one request, no crawling)";
static final int TIMEOUT_MILLIS = 10_000;

// Which page: `SCRAPE_URL` when set, else the local demo shop, a real HTTP server on 127.0.0.1.

// notebook: the lesson's target: SCRAPE_URL when set, else the local demo shop for this notebook (stopped at the end)
LocalShop local = Env.optional("SCRAPE_URL").isPresent() ? null : LocalShop.start();
Map<String, String> env = local != null ? local.env() : System.getenv();
String url = env.get("SCRAPE_URL");

// Fetch webpage, then parse HTML:

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

// Find elements: the title. `selectFirst` returns null when nothing matches, so the cell checks.

// Find elements
Cli.step("Find elements: the title");
Element title = doc.selectFirst("title");
if (title != null) {
    System.out.println("Page title: " + title.text());
} else {
    System.out.println("Page title: (missing: the page has no <title>)");
}

// Find all links, as `text: href`:

// Find all links
Cli.step("Find all links");
Elements links = doc.select("a");
for (Element link : links) {
    String href = link.attr("href");
    String text = link.text();
    System.out.println(text + ": " + href);
}
if (links.isEmpty()) System.out.println("(missing: the page has no <a> links)");

// Find by CSS class: `div.product`, then `h3` and `span.price` inside each one.

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

// Find by CSS selector: `.product .price`.

// Find by CSS selector
Cli.step("Find by CSS selector: .product .price");
Elements items = doc.select(".product .price");
for (Element item : items) {
    System.out.println(item.text());
}
if (items.isEmpty()) System.out.println("(missing: nothing matches .product .price)");

// notebook: stop the local demo shop (the lesson's try-with-resources does it at its end)
if (local != null) local.close();
