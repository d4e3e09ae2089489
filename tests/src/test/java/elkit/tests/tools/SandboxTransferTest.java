package elkit.tests.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import elkit.tests.support.Ports;
import elkit.tests.support.SandboxLines;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;

/** ./jbang sandbox sftp|ftp: a real server in the foreground, export lines that reach it, gone after stop. */
class SandboxTransferTest {

    @Test
    void sandboxSftpPrintsExportsAndItsKnownHostsLineAndTheyWork() throws Exception {
        var lines = new ArrayList<String>();
        try (var sandbox = new Sandbox("sftp", lines)) {
            var env = sandbox.env;
            assertThat(env).as(String.join("\n", lines)).containsOnlyKeys("SFTP_HOST", "SFTP_PORT", "SFTP_USER",
                    "SFTP_PASSWORD", "SFTP_KEY", "SFTP_KNOWN_HOSTS");
            String knownHostsLine = Files.readString(Path.of(env.get("SFTP_KNOWN_HOSTS"))).strip();
            assertThat(knownHostsLine).matches("\\[127\\.0\\.0\\.1]:" + env.get("SFTP_PORT") + " ecdsa-sha2-nistp256 AAAA\\S+");
            assertThat(lines).contains("# " + knownHostsLine);

            var jsch = new JSch();
            jsch.setKnownHosts(env.get("SFTP_KNOWN_HOSTS"));
            jsch.addIdentity(env.get("SFTP_KEY"));
            var session = jsch.getSession(env.get("SFTP_USER"), env.get("SFTP_HOST"), Integer.parseInt(env.get("SFTP_PORT")));
            session.setConfig("StrictHostKeyChecking", "yes");
            session.connect(10_000);
            var sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect(10_000);
            assertThat(sftp.pwd()).isEqualTo("/");
            session.disconnect();

            sandbox.stop();
            assertThat(Ports.accepts(Integer.parseInt(env.get("SFTP_PORT")))).as("the server's port is closed").isFalse();
            assertThat(Path.of(env.get("SFTP_KNOWN_HOSTS"))).as("its files are deleted").doesNotExist();
        }
    }

    @Test
    void sandboxFtpPrintsExportsThatLogIn() throws Exception {
        var lines = new ArrayList<String>();
        try (var sandbox = new Sandbox("ftp", lines)) {
            var env = sandbox.env;
            assertThat(env).as(String.join("\n", lines)).containsOnlyKeys("FTP_HOST", "FTP_PORT", "FTP_USER",
                    "FTP_PASSWORD", "FTP_CA_CERT");
            assertThat(Files.readString(Path.of(env.get("FTP_CA_CERT")))).startsWith("-----BEGIN CERTIFICATE-----");
            var ftp = new FTPClient();
            ftp.setDefaultTimeout(10_000);
            ftp.connect(env.get("FTP_HOST"), Integer.parseInt(env.get("FTP_PORT")));
            assertThat(ftp.login(env.get("FTP_USER"), env.get("FTP_PASSWORD"))).as(ftp.getReplyString()).isTrue();
            ftp.logout();
            ftp.disconnect();

            sandbox.stop();
            assertThat(Ports.accepts(Integer.parseInt(env.get("FTP_PORT")))).as("the server's port is closed").isFalse();
        }
    }

    /** sandbox SERVICE in its own JVM, read up to "# Stop it with Ctrl-C." */
    static final class Sandbox implements AutoCloseable {
        final Process process;
        final Map<String, String> env = new LinkedHashMap<>();

        Sandbox(String service, List<String> lines) throws Exception {
            var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "sandbox", service);
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
                var export = SandboxLines.EXPORT.matcher(line);
                if (export.matches()) env.put(export.group(1), export.group(2));
                if (line.equals("# Stop it with Ctrl-C.")) break;
            }
        }

        void stop() throws InterruptedException {
            process.destroy(); // SIGTERM, what Ctrl-C's shutdown path runs too
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("sandbox ended").isTrue();
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
