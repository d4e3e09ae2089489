package elkit.tests.lessons.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalShop;
import elkit.tests.support.ScriptRun;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrapeHtmlTest {

    static LocalShop shop;

    @TempDir
    Path dir;

    @BeforeAll
    static void startShop() {
        shop = LocalShop.start();
    }

    @AfterAll
    static void stopShop() {
        shop.close();
    }

    @Test
    void scrapesTitleLinksProductsAndPricesPolitely() {
        int before = shop.userAgents().size();

        var run = ScriptRun.run("scrape-html", dir, shop.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).doesNotContain("is not set: started")
                .contains("Page title: ELKit Demo Shop")
                .contains("Home: /shop/\nSold out: /shop/sold-out.html\nAbout us: https://example.com/about\nDetails: /shop/products/1\n")
                .contains("Laptop Pro 14: $1,299.00\nWireless Mouse: $24.99\nUSB-C Hub: $39.50\nMechanical Keyboard: $89.00\n")
                .contains("# Find by CSS selector: .product .price\n$1,299.00\n$24.99\n$39.50\n$89.00\n")
                .doesNotContain("Not a product price") // the footer's .price is outside any .product
                .doesNotContain("missing");
        assertThat(shop.userAgents().subList(before, shop.userAgents().size()))
                .singleElement().asString().startsWith("ELKit-lesson-scraper/");
    }

    @Test
    void aPageWithoutProductsSaysWhatIsMissingAndDoesNotCrash() {
        var run = ScriptRun.run("scrape-html", dir, Map.of("SCRAPE_URL", shop.url() + "/shop/sold-out.html"));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("Page title: Sold out - ELKit Demo Shop")
                .contains("(missing: the page has no <a> links)")
                .contains("(missing: no div.product on this page, nothing to extract)")
                .contains("(missing: nothing matches .product .price)");
    }

    @Test
    void aProductWithoutPriceAndAPageWithoutTitleAreReportedFromAnotherServer() throws Exception {
        try (var other = new MockWebServer()) {
            other.start(InetAddress.getLoopbackAddress(), 0);
            other.enqueue(new MockResponse.Builder().addHeader("Content-Type", "text/html").body("""
                    <html><body>
                      <div class="product"><h3>Lamp</h3><span class="price">12 EUR</span></div>
                      <div class="product"><h3>Chair</h3></div>
                      <div class="product"><span class="price">3 EUR</span></div>
                    </body></html>""").build());

            var run = ScriptRun.run("scrape-html", dir, Map.of("SCRAPE_URL", other.url("/page").toString()));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out())
                    .contains("Page title: (missing: the page has no <title>)")
                    .contains("Lamp: 12 EUR\n")
                    .contains("(skipped a div.product: missing span.price in <div class=\"product\"> <h3>Chair</h3> </div>)")
                    .contains("(skipped a div.product: missing h3 in ")
                    .contains("# Find by CSS selector: .product .price\n12 EUR\n3 EUR\n");
            assertThat(other.takeRequest().getHeaders().get("User-Agent")).startsWith("ELKit-lesson-scraper/");
        }
    }

    @Test
    void aMissingPageIsOneLineWithTheUrlAndStatus() {
        String url = shop.url() + "/shop/no-such-page.html";

        var run = ScriptRun.run("scrape-html", dir, Map.of("SCRAPE_URL", url));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("scrape-html: GET " + url + " answered 404: no page to scrape");
    }

    @Test
    void withoutEnvItScrapesTheDemoShop() {
        var run = ScriptRun.run("scrape-html", dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("[elkit] SCRAPE_URL is not set: started a local demo shop (JDK HttpServer) on http://127.0.0.1:")
                .contains("Page title: ELKit Demo Shop", "Laptop Pro 14: $1,299.00");
    }
}
