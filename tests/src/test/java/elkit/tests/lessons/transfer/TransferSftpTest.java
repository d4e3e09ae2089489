package elkit.tests.lessons.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalSftp;
import elkit.tests.support.Ports;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** transfer-sftp against an SFTP server the test starts (passed by env vars), and with no env at all. */
class TransferSftpTest {

    static LocalSftp server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = LocalSftp.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    static Path sample() {
        return Repo.path("chapters/05-extract-load/data/files/customers.csv");
    }

    /** Runs the lesson from the repository root (where its sample is), writing under this test's folder. */
    ScriptRun run(Map<String, String> env, String... args) {
        var withWork = new HashMap<>(env);
        withWork.put("ELKIT_WORK", dir.resolve("work").toString());
        return ScriptRun.run("transfer-sftp", Repo.root(), withWork, args);
    }

    String where() {
        return "sftp://elkit@127.0.0.1:" + server.port();
    }

    @Test
    void pointedAtARunningServerItUploadsListsDownloadsAndLeavesTheFilesOnTheServer() throws Exception {
        var run = run(server.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .doesNotContain("SFTP_HOST is not set")
                .contains("# Connect to SFTP server", "# List files in elkit-transfer-sftp/", "# Close connection",
                        "# Using try-with-resources (the context manager form)")
                .contains("Connected to " + where() + " with password ****; host key " + server.fingerprint() + " matches ")
                .containsPattern("data\\.csv +192 bytes  \\d{4}-\\d\\d-\\d\\dT")
                .contains("Downloaded 192 bytes to " + dir.resolve("work/sftp/data.csv"))
                .contains("Uploaded 192 bytes; the server has elkit-transfer-sftp/uploaded.csv")
                .contains("Logged in with key " + server.keyFile())
                .contains("Session closed by try-with-resources: true")
                .doesNotContain(server.env().get("SFTP_PASSWORD"));
        byte[] sample = Files.readAllBytes(sample());
        Path remote = server.home().resolve("elkit-transfer-sftp");
        assertThat(remote.resolve("data.csv")).hasBinaryContent(sample);
        assertThat(remote.resolve("uploaded.csv")).hasBinaryContent(sample);
        assertThat(dir.resolve("work/sftp/data.csv")).hasBinaryContent(sample);
        assertThat(dir.resolve("work/sftp/local_data.csv")).hasBinaryContent(sample);
        assertThat(dir.resolve("work/sftp").toFile().list()).containsExactlyInAnyOrder("data.csv", "local_data.csv");
    }

    @Test
    void withTheKeyAloneItLogsInWithTheKeyBothTimes() {
        var env = new HashMap<>(server.env());
        env.put("SFTP_PASSWORD", null);

        var run = run(env);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Connected to " + where() + " with key " + server.keyFile(),
                "Logged in with key " + server.keyFile());
    }

    @Test
    void withNoEnvItStartsItsOwnServerAndStopsIt() {
        var run = run(Map.of("SFTP_HOST", ""));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .containsPattern("\\[elkit\\] SFTP_HOST is not set: started a local SFTP server \\(Apache MINA SSHD\\) on 127\\.0\\.0\\.1:\\d+ in [\\d.]+ s; it stops at the end")
                .contains("Downloaded 192 bytes to ", "Session closed by try-with-resources: true");
    }

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprintAndHowToTrustIt() throws Exception {
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "");
        var env = new HashMap<>(server.env());
        env.put("SFTP_KNOWN_HOSTS", knownHosts.toString());

        var run = run(env);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("transfer-sftp: host key of [127.0.0.1]:" + server.port()
                + " is not in " + knownHosts + ": the server offered ecdsa-sha2-nistp256 key " + server.fingerprint()
                + ". Refused (StrictHostKeyChecking=yes). To trust it on purpose, compare the fingerprint with the server's admin,"
                + " then add the key: ssh-keyscan -p " + server.port() + " 127.0.0.1 >> " + knownHosts);
        assertThat(knownHosts).isEmptyFile();
        assertThat(run.out()).doesNotContain("Connected");
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        var other = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        String line = "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(other.getPublic()) + "\n";
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), line);
        var env = new HashMap<>(server.env());
        env.put("SFTP_KNOWN_HOSTS", knownHosts.toString());

        var run = run(env);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("transfer-sftp: host key of [127.0.0.1]:" + server.port()
                + " has CHANGED: the server offered ecdsa-sha2-nistp256 key " + server.fingerprint() + ", which differs from the key in "
                + knownHosts + ". Refused: this is what a man-in-the-middle looks like. If the server's key really changed,"
                + " remove the old line (ssh-keygen -R '[127.0.0.1]:" + server.port() + "' -f " + knownHosts + ") and add the new key");
        assertThat(knownHosts).hasContent(line.strip());
    }

    @Test
    void aWrongPasswordGivesOneLineWithoutThePassword() {
        var env = new HashMap<>(server.env());
        env.put("SFTP_PASSWORD", "wrong-Secret-4711");

        var run = run(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly(
                "transfer-sftp: cannot log in to " + where() + ": the server refused the password (SFTP_PASSWORD)");
        assertThat(run.out() + run.err()).doesNotContain("wrong-Secret-4711", "\tat ");
    }

    @Test
    void aWrongKeyGivesOneLineNamingTheVariable() throws Exception {
        Path otherKey = dir.resolve("id_other");
        LocalSftp.writePrivateKey(KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256), otherKey);
        var env = new HashMap<>(server.env());
        env.put("SFTP_PASSWORD", null);
        env.put("SFTP_KEY", otherKey.toString());

        var run = run(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly(
                "transfer-sftp: cannot log in to " + where() + ": the server refused the key in SFTP_KEY");
    }

    @Test
    void aMissingRemoteFileIsNamedAndNothingIsWritten() {
        var run = run(server.env(), "no-such.csv");

        assertThat(run.exitCode()).isEqualTo(1);
        Path local = dir.resolve("work/sftp/no-such.csv");
        assertThat(run.err().lines().toList()).containsExactly("transfer-sftp: remote file elkit-transfer-sftp/no-such.csv does not exist on "
                + where() + "; nothing was written to " + local);
        assertThat(dir.resolve("work/sftp").toFile().list()).isEmpty();
    }

    @Test
    void aRemoteNameThatClimbsOutOfTheTargetFolderIsRefusedBeforeConnecting() {
        var run = run(server.env(), "../../etc/x");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("transfer-sftp: remote file name ../../etc/x would be written outside"
                + " the local folder " + dir.resolve("work/sftp") + ": refused");
        assertThat(dir.resolve("etc")).doesNotExist();
        assertThat(run.out()).doesNotContain("Connected");
    }

    @Test
    void aDownloadCutOffMidwayLeavesNoPartialFileAndKeepsTheOlderOne() throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        Files.createDirectories(server.home().resolve("elkit-transfer-sftp"));
        Files.write(server.home().resolve("elkit-transfer-sftp/big.bin"), big);
        Path local = Files.createDirectories(dir.resolve("work/sftp")).resolve("big.bin");
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
        assertThat(run.err()).startsWith("transfer-sftp: download of elkit-transfer-sftp/big.bin from " + where() + " broke off: ")
                .endsWith("; the older " + local + " is kept as it was\n");
        assertThat(local).hasContent("the older copy");
        assertThat(dir.resolve("work/sftp").toFile().list()).containsExactly("big.bin");
    }

    @Test
    void aClosedPortIsReportedAtOnce() {
        int port = Ports.closed();
        var env = new HashMap<>(server.env());
        env.put("SFTP_PORT", String.valueOf(port));

        var run = run(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("transfer-sftp: cannot connect to sftp://elkit@127.0.0.1:" + port
                + ": connection refused (nothing listens on that port)");
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTimesOut() throws Exception {
        try (var silent = Ports.silent()) {
            var env = new HashMap<>(server.env());
            env.put("SFTP_PORT", String.valueOf(silent.getLocalPort()));
            long started = System.nanoTime();

            var run = run(env);

            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).containsExactly("transfer-sftp: cannot connect to sftp://elkit@127.0.0.1:"
                    + silent.getLocalPort() + ": no SSH answer within 5 s (connect timeout)");
            assertThat(seconds).as("seconds until the error").isLessThan(20);
        }
    }
}
