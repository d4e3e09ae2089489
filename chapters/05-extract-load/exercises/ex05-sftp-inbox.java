///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Exercise 5 (SFTP): pick up the new files from a partner's SFTP inbox, check their sizes, archive them on the server so a second run downloads nothing. Run it to grade yourself.
//DEPS com.github.mwiede:jsch:2.28.8
//SOURCES ../../../lib/src/main/java/elkit/local/LocalSftp.java
//SOURCES ../../../lib/src/main/java/elkit/Grading.java
//SOURCES ../../../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../../../lib/src/main/java/elkit/Scratch.java

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static elkit.Grading.check;

/**
 * Exercise 5: a partner drops files into an SFTP inbox; your nightly job picks them up.
 *
 * Write {@link #pickUpNewFiles}: for every regular file directly in {@code inbox} (not in folders such
 * as {@code inbox/archive/}), in name order:
 *   1. download it into {@code localFolder} under the same name, through a temp file that is moved
 *      into place only when complete (a broken download must leave no partial file);
 *   2. check that the local file's size equals the size the server listed, else raise an exception;
 *   3. then, and only then, move it on the server into {@code inbox/archive/} (create the folder if
 *      needed), so that the next run does not download it again.
 * Return the names downloaded, in order. When a download fails, raise (after archiving the files
 * already done): the failed file stays in the inbox for the next run.
 *
 * Run it: ../../../jbang ex05-sftp-inbox.java   It grades your code and exits 0 when all checks pass.
 */
class ex05_sftp_inbox {

    static List<String> pickUpNewFiles(ChannelSftp sftp, String inbox, Path localFolder) throws Exception {
        // TODO: your code here. Chapter page 05-sftp-ftp.md shows ls, get, stat and rename at work.
        throw new UnsupportedOperationException("pickUpNewFiles() is not written yet");
    }

    // ---- grading: do not edit below this line ----

    public static void main(String[] args) throws Exception {
        var report = new ArrayList<String>();
        int passed = 0;
        Path work = Files.createTempDirectory("ex05-");
        var out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())); // the server's start line
        try (var server = elkit.local.LocalSftp.start()) {
            System.setOut(out);
            passed += check(report, "downloads every new file of the inbox, byte for byte, in name order", () -> {
                var files = partnerDrops(server, "inbox1", "orders-2.csv", "orders-1.csv", "orders-3.csv");
                Path local = Files.createDirectories(work.resolve("local1"));
                var names = withSftp(server, sftp -> pickUpNewFiles(sftp, "inbox1", local));
                if (!List.of("orders-1.csv", "orders-2.csv", "orders-3.csv").equals(names)) {
                    throw new AssertionError("expected [orders-1.csv, orders-2.csv, orders-3.csv], got " + names);
                }
                for (var file : files.entrySet()) {
                    Path copy = local.resolve(file.getKey());
                    if (!Files.exists(copy) || !java.util.Arrays.equals(Files.readAllBytes(copy), file.getValue())) {
                        throw new AssertionError(copy.getFileName() + " is missing or differs from the server's file");
                    }
                }
                if (Files.list(local).count() != 3) throw new AssertionError("expected exactly 3 files in the local folder");
            });
            passed += check(report, "archives what it picked up, so a second run downloads nothing", () -> {
                partnerDrops(server, "inbox2", "a.csv", "b.csv");
                Files.createDirectories(server.home().resolve("inbox2/archive/older"));
                Path local = Files.createDirectories(work.resolve("local2"));
                var first = withSftp(server, sftp -> pickUpNewFiles(sftp, "inbox2", local));
                Path inbox = server.home().resolve("inbox2");
                for (String name : List.of("a.csv", "b.csv")) {
                    if (Files.exists(inbox.resolve(name))) throw new AssertionError(name + " is still in the inbox after the run");
                    if (!Files.exists(inbox.resolve("archive").resolve(name))) throw new AssertionError(name + " is not in inbox/archive/");
                }
                var second = withSftp(server, sftp -> pickUpNewFiles(sftp, "inbox2", local));
                if (!first.equals(List.of("a.csv", "b.csv"))) throw new AssertionError("first run: expected [a.csv, b.csv], got " + first);
                if (!second.isEmpty()) throw new AssertionError("second run downloaded " + second + " again");
                partnerDrops(server, "inbox2", "c.csv");
                var third = withSftp(server, sftp -> pickUpNewFiles(sftp, "inbox2", local));
                if (!third.equals(List.of("c.csv"))) throw new AssertionError("a new file c.csv: expected [c.csv], got " + third);
            });
            passed += check(report, "a download that breaks off raises, leaves no partial file and stays in the inbox", () -> {
                partnerDrops(server, "inbox3", "a-small.csv");
                byte[] big = new byte[1 << 20];
                new java.util.Random(5).nextBytes(big);
                Files.write(server.home().resolve("inbox3/b-big.bin"), big);
                Path local = Files.createDirectories(work.resolve("local3"));
                server.cutOffDownloadsAfter(200_000);
                boolean raised = false;
                try {
                    withSftp(server, sftp -> pickUpNewFiles(sftp, "inbox3", local));
                } catch (UnsupportedOperationException e) {
                    throw e;
                } catch (Exception e) {
                    raised = true;
                } finally {
                    server.cutOffDownloadsAfter(-1);
                }
                if (!raised) throw new AssertionError("the download of b-big.bin broke off after 200,000 bytes, but nothing was raised");
                Path inbox = server.home().resolve("inbox3");
                if (!Files.exists(inbox.resolve("b-big.bin"))) throw new AssertionError("b-big.bin left the inbox although it never arrived");
                if (!Files.exists(inbox.resolve("archive/a-small.csv"))) throw new AssertionError("a-small.csv arrived but was not archived");
                try (var left = Files.list(local)) {
                    var names = left.map(p -> p.getFileName().toString()).sorted().toList();
                    if (!names.equals(List.of("a-small.csv"))) throw new AssertionError("expected only a-small.csv locally, found " + names);
                }
            });
        } finally {
            System.setOut(out);
            try (var all = Files.walk(work)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        report.forEach(System.out::println);
        System.out.printf("Score: %d/%d%n", passed, report.size());
        System.exit(passed == report.size() ? 0 : 1);
    }

    interface WithSftp<T> { T run(ChannelSftp sftp) throws Exception; }

    /** The partner uploads files into {@code inbox} (here: written straight into the server's folder). */
    static java.util.Map<String, byte[]> partnerDrops(elkit.local.LocalSftp server, String inbox, String... names) throws Exception {
        var files = new java.util.TreeMap<String, byte[]>();
        Path folder = Files.createDirectories(server.home().resolve(inbox));
        for (String name : names) {
            byte[] content = ("order_id,amount\n" + name.hashCode() + ",12.50\n").getBytes();
            Files.write(folder.resolve(name), content);
            files.put(name, content);
        }
        return files;
    }

    /** Runs {@code body} on a fresh SFTP connection to the local server, host key checked. */
    static <T> T withSftp(elkit.local.LocalSftp server, WithSftp<T> body) throws Exception {
        var env = server.env();
        var jsch = new com.jcraft.jsch.JSch();
        jsch.setKnownHosts(env.get("SFTP_KNOWN_HOSTS"));
        var session = jsch.getSession(env.get("SFTP_USER"), "127.0.0.1", server.port());
        session.setConfig("StrictHostKeyChecking", "yes");
        session.setPassword(env.get("SFTP_PASSWORD").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        session.setTimeout(10_000);
        session.connect(10_000);
        try {
            var sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect(10_000);
            return body.run(sftp);
        } finally {
            session.disconnect();
        }
    }

    static boolean exists(ChannelSftp sftp, String path) throws SftpException {
        try {
            sftp.stat(path);
            return true;
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) return false;
            throw e;
        }
    }
}
