package elkit.tests.lessons.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalFtp;
import elkit.tests.support.Ports;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** transfer-ftp against an FTP/FTPS server the test starts (passed by env vars), and with no env at all. */
class TransferFtpTest {

    static LocalFtp server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = LocalFtp.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    /** Runs the lesson from the repository root (where its sample is), writing under this test's folder. */
    ScriptRun run(Map<String, String> env, String... args) {
        var withWork = new HashMap<>(env);
        withWork.put("ELKIT_WORK", dir.resolve("work").toString());
        return ScriptRun.run("transfer-ftp", Repo.root(), withWork, args);
    }

    String where() {
        return "ftp://elkit@127.0.0.1:" + server.port();
    }

    @Test
    void pointedAtARunningServerItUploadsListsDownloadsAndUsesFtps() throws Exception {
        var run = run(server.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .doesNotContain("FTP_HOST is not set")
                .contains("# Connect to FTP server", "# List directory elkit-transfer-ftp/", "# Close connection (QUIT)",
                        "# FTPS: explicit TLS, PROT P")
                .contains("Logged in as elkit with password ****")
                .contains("Plain FTP sends the user name and password in clear text")
                .containsPattern("(?m)^data\\.csv$")
                .containsPattern("data\\.csv +192 bytes  \\d{4}-\\d\\d-\\d\\dT")
                .contains("Downloaded 192 bytes to " + dir.resolve("work/ftp/data.csv"))
                .contains("Uploaded; the server reports 192 bytes for elkit-transfer-ftp/uploaded.csv")
                .contains("Over TLS (password and data encrypted): downloaded elkit-transfer-ftp/uploaded.csv to "
                        + dir.resolve("work/ftp/data-ftps.csv") + " (192 bytes)")
                .doesNotContain(server.env().get("FTP_PASSWORD"));
        byte[] sample = Files.readAllBytes(Repo.path("chapters/05-extract-load/data/files/customers.csv"));
        Path remote = server.home().resolve("elkit-transfer-ftp");
        assertThat(remote.resolve("data.csv")).hasBinaryContent(sample);
        assertThat(remote.resolve("uploaded.csv")).hasBinaryContent(sample);
        assertThat(dir.resolve("work/ftp/data.csv")).hasBinaryContent(sample);
        assertThat(dir.resolve("work/ftp/data-ftps.csv")).hasBinaryContent(sample);
        assertThat(dir.resolve("work/ftp").toFile().list()).containsExactlyInAnyOrder("data.csv", "data-ftps.csv");
    }

    /** A plain FTP server with no TLS at all (Apache FtpServer without an SSL configuration): the chapter's ftplib.FTP case. */
    static org.apache.ftpserver.FtpServer plainFtp(Path home, String password, int[] port) throws Exception {
        var listener = new org.apache.ftpserver.listener.ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(0);
        var data = new org.apache.ftpserver.DataConnectionConfigurationFactory();
        data.setPassiveAddress("127.0.0.1");
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        var factory = new org.apache.ftpserver.FtpServerFactory();
        var ftpListener = listener.createListener();
        factory.addListener("default", ftpListener);
        var users = new org.apache.ftpserver.usermanager.PropertiesUserManagerFactory().createUserManager();
        var user = new org.apache.ftpserver.usermanager.impl.BaseUser();
        user.setName("plain");
        user.setPassword(password);
        user.setHomeDirectory(home.toString());
        user.setAuthorities(java.util.List.of(new org.apache.ftpserver.usermanager.impl.WritePermission()));
        users.save(user);
        factory.setUserManager(users);
        var server = factory.createServer();
        server.start();
        port[0] = ftpListener.getPort();
        return server;
    }

    @Test
    void aPlainFtpServerWithoutTlsRunsTheChapterThenSaysInOneLineThatThePasswordWentInClear() throws Exception {
        Path home = Files.createDirectories(dir.resolve("plain-home"));
        int[] port = new int[1];
        var plain = plainFtp(home, "plain-Secret-4711", port);
        try {
            var env = Map.of("FTP_HOST", "127.0.0.1", "FTP_PORT", String.valueOf(port[0]), "FTP_USER", "plain",
                    "FTP_PASSWORD", "plain-Secret-4711");

            var run = run(env);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out())
                    .contains("Downloaded 192 bytes to " + dir.resolve("work/ftp/data.csv"))
                    .contains("Uploaded; the server reports 192 bytes for elkit-transfer-ftp/uploaded.csv", "Logged out and disconnected")
                    .doesNotContain("Over TLS", "plain-Secret-4711");
            assertThat(run.out().lines().filter(line -> line.contains("no TLS")).toList()).containsExactly(
                    "This server offers no TLS (AUTH TLS answered 431 Service is unavailable.): the password went over"
                            + " the network in clear above; FTPS skipped (FTP_REQUIRE_TLS=1 makes this an error)");
            assertThat(run.out().strip()).endsWith("FTPS skipped (FTP_REQUIRE_TLS=1 makes this an error)"); // the last line
            byte[] sample = Files.readAllBytes(Repo.path("chapters/05-extract-load/data/files/customers.csv"));
            assertThat(home.resolve("elkit-transfer-ftp/uploaded.csv")).hasBinaryContent(sample);
            assertThat(dir.resolve("work/ftp").toFile().list()).containsExactly("data.csv");

            // FTP_REQUIRE_TLS=1: the same server is an error, in one line, exit 1
            var strict = new HashMap<>(env);
            strict.put("FTP_REQUIRE_TLS", "1");
            var required = run(strict);

            assertThat(required.exitCode()).isEqualTo(1);
            assertThat(required.err().lines().toList()).containsExactly("transfer-ftp: FTPS to ftp://plain@127.0.0.1:" + port[0]
                    + " failed: the server does not offer explicit TLS (AUTH TLS answered 431 Service is unavailable.);"
                    + " FTP_REQUIRE_TLS=1 asks for it");
            assertThat(required.out()).contains("Logged out and disconnected").doesNotContain("no TLS", "plain-Secret-4711");
        } finally {
            plain.stop();
        }
    }

    @Test
    void withNoEnvItStartsItsOwnServerAndStopsIt() {
        var run = run(Map.of("FTP_HOST", ""));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .containsPattern("\\[elkit\\] FTP_HOST is not set: started a local FTP/FTPS server \\(Apache FtpServer\\) on 127\\.0\\.0\\.1:\\d+ in [\\d.]+ s; it stops at the end")
                .contains("Downloaded 192 bytes to ", "Over TLS (password and data encrypted)");
    }

    @Test
    void ftpsRefusesACertificateItWasNotToldToTrust() {
        var env = new HashMap<>(server.env());
        env.put("FTP_CA_CERT", null); // only the JDK's authorities: the self-signed certificate is not among them

        var run = run(env);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("transfer-ftp: FTPS to " + where() + " failed: ")
                .contains("PKIX path building failed")
                .endsWith("(a certificate you trust on purpose goes in FTP_CA_CERT)\n");
        assertThat(dir.resolve("work/ftp/data-ftps.csv")).doesNotExist();
    }

    @Test
    void aWrongPasswordGivesOneLineWithoutThePassword() {
        var env = new HashMap<>(server.env());
        env.put("FTP_PASSWORD", "wrong-Secret-4711");

        var run = run(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly(
                "transfer-ftp: cannot log in to " + where() + ": the server answered 530 Authentication failed.");
        assertThat(run.out() + run.err()).doesNotContain("wrong-Secret-4711", "\tat ");
    }

    @Test
    void aMissingRemoteFileIsNamedAndNothingIsWritten() {
        var run = run(server.env(), "no-such.csv");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("transfer-ftp: remote file elkit-transfer-ftp/no-such.csv does not exist on " + where() + " (550 ")
                .endsWith("; nothing was written to " + dir.resolve("work/ftp/no-such.csv") + "\n");
        assertThat(dir.resolve("work/ftp").toFile().list()).isEmpty();
    }

    @Test
    void aRemoteNameThatClimbsOutOfTheTargetFolderIsRefusedBeforeConnecting() {
        var run = run(server.env(), "../../etc/x");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("transfer-ftp: remote file name ../../etc/x would be written outside"
                + " the local folder " + dir.resolve("work/ftp") + ": refused");
        assertThat(dir.resolve("etc")).doesNotExist();
        assertThat(run.out()).doesNotContain("Connected");
    }

    @Test
    void aDownloadCutOffMidwayLeavesNoPartialFileAndKeepsTheOlderOne() throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        Files.createDirectories(server.home().resolve("elkit-transfer-ftp"));
        Files.write(server.home().resolve("elkit-transfer-ftp/big.bin"), big);
        Path local = Files.createDirectories(dir.resolve("work/ftp")).resolve("big.bin");
        Files.writeString(local, "the older copy");
        server.cutOffDownloadsAfter(256 * 1024);
        ScriptRun run;
        try {
            run = run(server.env(), "big.bin");
        } finally {
            server.cutOffDownloadsAfter(-1);
        }

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("transfer-ftp: download of elkit-transfer-ftp/big.bin from " + where() + " broke off: ")
                .endsWith("; the older " + local + " is kept as it was\n");
        assertThat(local).hasContent("the older copy");
        assertThat(dir.resolve("work/ftp").toFile().list()).containsExactly("big.bin");
    }

    @Test
    void aClosedPortIsReportedAtOnce() {
        int port = Ports.closed();
        var env = new HashMap<>(server.env());
        env.put("FTP_PORT", String.valueOf(port));

        var run = run(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("transfer-ftp: cannot connect to ftp://elkit@127.0.0.1:" + port
                + ": connection refused (nothing listens on that port)");
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTimesOut() throws Exception {
        try (var silent = Ports.silent()) {
            var env = new HashMap<>(server.env());
            env.put("FTP_PORT", String.valueOf(silent.getLocalPort()));
            long started = System.nanoTime();

            var run = run(env);

            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).containsExactly("transfer-ftp: cannot connect to ftp://elkit@127.0.0.1:"
                    + silent.getLocalPort() + ": no FTP answer within 5 s (connect timeout)");
            assertThat(seconds).as("seconds until the error").isLessThan(30);
        }
    }
}
