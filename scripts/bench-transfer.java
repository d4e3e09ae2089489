///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Benchmark for "5. SFTP/FTP": upload and download of one large file (default 100 MB) over SFTP (JSch), FTP and FTPS (commons-net) on loopback, in MB/s, next to a plain local copy; every copy checked by SHA-256.
//DEPS com.github.mwiede:jsch:2.28.8
//DEPS commons-net:commons-net:3.12.0
//SOURCES ../lib/src/main/java/elkit/Bench.java
//SOURCES ../lib/src/main/java/elkit/Charts.java
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Progress.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/local/LocalSftp.java
//SOURCES ../lib/src/main/java/elkit/local/LocalFtp.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import elkit.Bench;
import elkit.Charts;
import elkit.Cli;
import elkit.Env;
import elkit.Progress;
import elkit.local.LocalFtp;
import elkit.local.LocalSftp;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.util.TrustManagerUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Usage: bench-transfer [megabytes] [--verbose]   (default 100)
 * Writes a file of random bytes to work/bench-transfer/, then copies it up and down through a local
 * SFTP server (Apache MINA SSHD) and a local FTP server (Apache FtpServer, plain and with PROT P),
 * all on 127.0.0.1, and once with Files.copy for comparison. Each copy's SHA-256 must equal the
 * original's. One run, wall-clock time, server and client in one JVM: indicative figures. The large
 * files are deleted at the end.
 */
class bench_transfer {

    /** The chart: each measured line's MB/s, as printed. */
    static final List<Charts.Bar> BARS = new ArrayList<>();

    interface Transfer {
        void run() throws Exception;
    }

    static final Options OPTIONS = Options.usage("bench-transfer [megabytes]")
            .argument("megabytes", "size of the file to upload and download (default: 100)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_transfer::bench));
    }

    static void bench(List<String> args) throws Exception {
        int megabytes;
        try {
            megabytes = args.isEmpty() ? 100 : Integer.parseInt(args.get(0));
        } catch (NumberFormatException e) {
            throw Cli.fail(2, "usage: bench-transfer [megabytes]   ('%s' is not a number)", args.get(0));
        }
        if (megabytes < 1) throw Cli.fail(2, "usage: bench-transfer [megabytes]   (at least 1)");
        Path folder = Files.createDirectories(Env.workDir().resolve("bench-transfer"));
        Path original = folder.resolve("original.bin");
        Path copy = folder.resolve("copy.bin");
        try {
            writeRandom(original, megabytes);
            String digest = sha256(original);
            String machine = Bench.machine();
            System.out.println(machine);
            System.out.printf(Locale.US, "A %d MB file in %s%n", megabytes, folder);

            measure("local copy (Files.copy)", megabytes, original, copy, digest,
                    () -> Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING));

            try (var server = LocalSftp.start()) {
                var env = server.env();
                var jsch = new JSch();
                jsch.setKnownHosts(env.get("SFTP_KNOWN_HOSTS"));
                var session = jsch.getSession(env.get("SFTP_USER"), env.get("SFTP_HOST"), server.port());
                session.setConfig("StrictHostKeyChecking", "yes");
                session.setPassword(env.get("SFTP_PASSWORD").getBytes(StandardCharsets.UTF_8));
                session.setTimeout(30_000);
                session.connect(10_000);
                var sftp = (ChannelSftp) session.openChannel("sftp");
                sftp.connect(10_000);
                measure("SFTP upload (JSch put)", megabytes, original, server.home().resolve("big.bin"), digest,
                        () -> sftp.put(original.toString(), "big.bin"));
                measure("SFTP download (JSch get)", megabytes, original, copy, digest,
                        () -> sftp.get("big.bin", copy.toString()));
                sftp.exit();
                session.disconnect();
            }

            try (var server = LocalFtp.start()) {
                var env = server.env();
                var ftp = new FTPClient();
                ftp.setDefaultTimeout(30_000);
                ftp.connect(env.get("FTP_HOST"), server.port());
                login(ftp, env.get("FTP_USER"), env.get("FTP_PASSWORD"));
                measure("FTP upload (STOR, passive, binary)", megabytes, original, server.home().resolve("big.bin"), digest,
                        () -> store(ftp, original, "big.bin"));
                measure("FTP download (RETR, passive, binary)", megabytes, original, copy, digest,
                        () -> retrieve(ftp, "big.bin", copy));
                ftp.logout();
                ftp.disconnect();

                var ftps = new FTPSClient(false);
                var trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                try (var in = Files.newInputStream(server.caCert())) {
                    trusted.setCertificateEntry("ftp", CertificateFactory.getInstance("X.509").generateCertificate(in));
                }
                ftps.setTrustManager(TrustManagerUtils.getDefaultTrustManager(trusted));
                ftps.setEndpointCheckingEnabled(true);
                ftps.setDefaultTimeout(30_000);
                ftps.connect(env.get("FTP_HOST"), server.port());
                login(ftps, env.get("FTP_USER"), env.get("FTP_PASSWORD"));
                ftps.execPBSZ(0);
                ftps.execPROT("P");
                measure("FTPS upload (STOR, PROT P)", megabytes, original, server.home().resolve("big-tls.bin"), digest,
                        () -> store(ftps, original, "big-tls.bin"));
                measure("FTPS download (RETR, PROT P)", megabytes, original, copy, digest,
                        () -> retrieve(ftps, "big-tls.bin", copy));
                ftps.logout();
                ftps.disconnect();
            }
            var chart = Charts.draw(Env.workDir().resolve("bench"), new Charts.Spec("bench-transfer",
                    "bench-transfer: MB/s (higher is better), one " + megabytes + " MB file on 127.0.0.1", machine, "MB/s", BARS, false));
            System.out.println(chart.line());
        } finally {
            Files.deleteIfExists(original);
            Files.deleteIfExists(copy);
        }
    }

    /** Times {@code transfer}, then checks that {@code result} has the original's SHA-256. */
    static void measure(String what, int megabytes, Path original, Path result, String digest, Transfer transfer) throws Exception {
        double seconds;
        try (var progress = Progress.start(what + ", " + megabytes + " MB", 0)) { // on a terminal only: a large file takes seconds
            long started = System.nanoTime();
            transfer.run();
            seconds = (System.nanoTime() - started) / 1e9;
        }
        String check = sha256(result).equals(digest) ? "SHA-256 same as the original" : "SHA-256 DIFFERS";
        System.out.printf(Locale.US, "%-38s %6d MB in %6.2f s = %8.1f MB/s   %s%n", what, megabytes, seconds, megabytes / seconds, check);
        BARS.add(new Charts.Bar(what, "Java", String.format(Locale.US, "%.1f", megabytes / seconds)));
        if (!check.startsWith("SHA-256 same")) throw Cli.fail("%s: the copy differs from %s", what, original);
    }

    static void login(FTPClient ftp, String user, String password) throws IOException {
        if (!ftp.login(user, password)) throw Cli.fail("cannot log in to the local FTP server: %s", ftp.getReplyString().strip());
        ftp.enterLocalPassiveMode();
        ftp.setFileType(FTP.BINARY_FILE_TYPE);
        ftp.setBufferSize(1 << 16);
    }

    static void store(FTPClient ftp, Path local, String remote) throws IOException {
        try (InputStream in = Files.newInputStream(local)) {
            if (!ftp.storeFile(remote, in)) throw new IOException("STOR " + remote + ": " + ftp.getReplyString().strip());
        }
    }

    static void retrieve(FTPClient ftp, String remote, Path local) throws IOException {
        try (OutputStream out = Files.newOutputStream(local)) {
            if (!ftp.retrieveFile(remote, out)) throw new IOException("RETR " + remote + ": " + ftp.getReplyString().strip());
        }
    }

    static void writeRandom(Path file, int megabytes) throws IOException {
        var random = new Random(42);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < megabytes; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }

    static String sha256(Path file) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
