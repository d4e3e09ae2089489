package elkit.tests.tools;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.SandboxLines;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./jbang sandbox postgres|mysql: a real server in the foreground, export lines that reach it, gone after stop. */
class SandboxDbTest {
    static final Pattern PORT = Pattern.compile("//127\\.0\\.0\\.1:(\\d+)/");

    @Test
    void sandboxPostgresPrintsExportLinesThatWorkAndStopsOnTerminate() throws Exception {
        // logical decoding on, so that cdc-postgres runs against it from a second terminal: else the name gets a suffix
        checkSandbox("postgres", "PG", "SELECT current_user || CASE WHEN current_setting('wal_level') = 'logical' "
                + "AND (SELECT rolreplication FROM pg_roles WHERE rolname = current_user) THEN '' ELSE ' without logical decoding' END");
    }

    @Test
    void sandboxMysqlPrintsExportLinesThatWorkAndStopsOnTerminate() throws Exception {
        checkSandbox("mysql", "MYSQL", "SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1)");
    }

    @TempDir
    Path tmp;

    private void checkSandbox(String service, String prefix, String whoAmI) throws Exception {
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "sandbox", service);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var env = new LinkedHashMap<String, String>();
            var lines = new ArrayList<String>();
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
                var export = SandboxLines.EXPORT.matcher(line);
                if (export.matches()) env.put(export.group(1), export.group(2));
                if (line.equals("# Stop it with Ctrl-C.")) break;
            }
            assertThat(env).as(String.join("\n", lines)).containsOnlyKeys(prefix + "_URL", prefix + "_USER", prefix + "_PASSWORD");
            // worded for a sandbox: no "PG_URL is not set", no "it stops at the end" (it runs until stopped)
            assertThat(lines.get(0)).startsWith("[elkit] started a local ").endsWith("; it runs until you stop it");
            assertThat(String.join("\n", lines)).doesNotContain("is not set").doesNotContain("stops at the end");
            try (var conn = DriverManager.getConnection(env.get(prefix + "_URL"), env.get(prefix + "_USER"), env.get(prefix + "_PASSWORD"));
                 var rs = conn.createStatement().executeQuery(whoAmI)) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("data_engineer");
            }
            var port = PORT.matcher(env.get(prefix + "_URL"));
            assertThat(port.find()).isTrue();

            process.destroy(); // SIGTERM, what Ctrl-C's shutdown path runs too

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("sandbox ended").isTrue();
            assertThat(accepts(Integer.parseInt(port.group(1)))).as("the server's port is closed").isFalse();
            // its binaries, data and scratch folders went with it (an empty elkit-mariadb-* once stayed in /tmp)
            try (var left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString()).toList()).as("left in the temp folder").isEmpty();
            }
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
