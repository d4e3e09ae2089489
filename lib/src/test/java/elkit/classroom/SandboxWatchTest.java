package elkit.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the watch names from the lines a sandboxed run printed, and from its network counters. */
class SandboxWatchTest {

    static final String HEADER = "elkit-sandbox-net Ip: Forwarding DefaultTTL InReceives OutNoRoutes ReasmTimeout";

    static Sandbox.Watch watched(String... lines) {
        var watch = new Sandbox.Watch();
        for (String line : lines) watch.line(line);
        return watch;
    }

    @Test
    void aFileErrorOnAPathOutsideTheRunsTempIsNamedOnceWithWhy() {
        var watch = watched("java.nio.file.NoSuchFileException: /home/teacher/.ssh/id_ed25519",
                "\tat java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:92)",
                "java.nio.file.NoSuchFileException: /home/teacher/.ssh/id_ed25519",
                "java.nio.file.FileSystemException: /usr/share/evil.txt: Read-only file system",
                "FAIL  loads every customer, quotes and all: /home/teacher/notes.txt",
                HEADER, "elkit-sandbox-net Ip: 2 64 0 0 0");
        assertThat(watch.refused(true)).containsExactly(
                "/home/teacher/.ssh/id_ed25519: a file outside the sandbox (not there)",
                "/usr/share/evil.txt: a file outside the sandbox (read-only there)",
                "/home/teacher/notes.txt: a file outside the sandbox (not there)");
    }

    @Test
    void theRunsOwnTempFilesAndAnHonestRunAreNotNamed() {
        var watch = watched("java.nio.file.NoSuchFileException: /tmp/ex03123/out.json", "PASS  a check",
                "FAIL  a check: expected 3, got 4", HEADER, "elkit-sandbox-net Ip: 2 64 0 0 0",
                "elkit-sandbox-net Ip6OutNoRoutes                  \t0");
        assertThat(watch.refused(true)).isEmpty();
    }

    @Test
    void packetsWithNoRouteAreCountedFromTheLastCountersTheShellPrinted() {
        var watch = watched("elkit-sandbox-net Ip: 2 64 0 0 0", // a line the student printed first, with no header: ignored
                HEADER, "elkit-sandbox-net Ip: 2 64 0 3 0", "elkit-sandbox-net Ip6OutNoRoutes 1");
        assertThat(watch.refused(true)).containsExactly("4 attempts to reach an address outside the sandbox (no route out)");
    }

    @Test
    void networkErrorsAreNamedWithTheirAddressWhenTheLineHasOne() {
        var watch = watched("java.net.ConnectException: Failed to connect to localhost/127.0.0.1:8080",
                "Caused by: java.net.ConnectException: Connection refused",
                "java.net.UnknownHostException: example.org: Name or service not known",
                "java.net.ConnectException: Network is unreachable", HEADER, "elkit-sandbox-net Ip: 2 64 0 1 0");
        assertThat(watch.refused(true)).containsExactly(
                "a connection refused (the run has a loopback of its own: only the servers it started itself are there)",
                "a name lookup of example.org (no DNS in the sandbox)",
                "a connection out of the sandbox (no route out)");
    }

    @Test
    void aRunThatStoppedItsSandboxShellLeavesNoCountersAndThatIsNamed() {
        assertThat(watched("PASS  a").refused(true)).containsExactly("the sandbox's own shell was stopped by the run (its parent process)");
        assertThat(watched("PASS  a").refused(false)).isEmpty(); // stopped at the time limit: the grader stopped it
    }
}
