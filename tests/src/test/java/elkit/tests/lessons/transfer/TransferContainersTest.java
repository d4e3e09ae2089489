package elkit.tests.lessons.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalSqlServer;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import elkit.tests.support.SkipReasons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * The container path for SFTP: transfer-sftp against OpenSSH in Docker (atmoz/sftp), a server
 * that is not the one the lesson starts itself. Opt-in with ELKIT_DOCKER=1; where no Docker engine
 * answers (as on the machine this was written on) it is skipped, with the reason.
 */
class TransferContainersTest {

    @TempDir
    Path dir;

    @Test
    void transferSftpAgainstOpenSshInDocker() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("ELKIT_DOCKER")),
                "opt-in: set ELKIT_DOCKER=1 to run transfer-sftp against atmoz/sftp in Docker");
        Assumptions.assumeTrue(LocalSqlServer.dockerAvailable(), SkipReasons.NO_DOCKER);
        // user elkit, password, uid 1001, gid 100, and a folder of its own in the (root-owned, chrooted) home
        try (var sftp = new GenericContainer<>("atmoz/sftp:alpine")
                .withCommand("elkit:docker-Secret-1:1001:100:elkit-transfer-sftp")
                .withExposedPorts(22)) {
            sftp.start();
            String hostKey = sftp.execInContainer("cat", "/etc/ssh/ssh_host_ed25519_key.pub").getStdout().strip();
            String[] parts = hostKey.split(" ");
            int port = sftp.getMappedPort(22);
            Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
                    "[" + sftp.getHost() + "]:" + port + " " + parts[0] + " " + parts[1] + "\n");

            var run = ScriptRun.run("transfer-sftp", Repo.root(), Map.of(
                    "SFTP_HOST", sftp.getHost(), "SFTP_PORT", String.valueOf(port), "SFTP_USER", "elkit",
                    "SFTP_PASSWORD", "docker-Secret-1", "SFTP_KNOWN_HOSTS", knownHosts.toString(),
                    "ELKIT_WORK", dir.resolve("work").toString()));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Downloaded 192 bytes to ", "Session closed by try-with-resources: true")
                    .doesNotContain("docker-Secret-1");
            assertThat(sftp.execInContainer("cat", "/home/elkit/elkit-transfer-sftp/uploaded.csv").getStdout())
                    .isEqualTo(Files.readString(Repo.path("chapters/05-extract-load/data/files/customers.csv")));
        }
    }
}
