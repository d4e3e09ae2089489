///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "FTP with ftplib": Apache commons-net. Connect and log in, list, download in binary mode (temp file, then move), upload, quit; passive mode; FTPS with PROT P.
//DEPS commons-net:commons-net:3.12.0
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/local/LocalFtp.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import elkit.Cli;
import elkit.DataFiles;
import elkit.Env;
import elkit.local.LocalFtp;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.util.TrustManagerUtils;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

/**
 * Usage: transfer-ftp [remote-file] [--verbose]
 * Target: FTP_HOST, FTP_PORT (21), FTP_USER, FTP_PASSWORD, and FTP_CA_CERT (a PEM certificate to
 * trust for FTPS; default: the JDK's trusted authorities), FTP_REQUIRE_TLS=1 (a server without TLS is an
 * error; by default the FTPS step is skipped with a warning); when FTP_HOST is unset, a local FTP
 * server started for this run. The lesson works in the remote folder elkit-transfer-ftp/ only: it
 * uploads the sample there as data.csv, then lists it and downloads remote-file (default data.csv)
 * from it into the work folder's ftp/ folder.
 */
class transfer_ftp {

    static final String REMOTE_DIR = "elkit-transfer-ftp";
    static final int CONNECT_TIMEOUT_MS = 5_000;                 // to reach the host
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10); // for every answer: a silent server cannot hang us

    static final Options OPTIONS = Options.usage("transfer-ftp [remote-file]")
            .argument("remote-file", "the name to upload to and download from (default: data.csv)")
            .env("FTP", "ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(transfer_ftp::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        if (args.size() > 1) throw Cli.fail(2, "usage: transfer-ftp [remote-file] [--verbose]");
        String remoteName = args.isEmpty() ? "data.csv" : args.get(0);
        // The target: the user's server from FTP_HOST, else a real FTP server started for this run
        try (var local = Env.optional("FTP_HOST").isPresent() ? null : LocalFtp.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            teach(env, remoteName);
        }
    }

    static void teach(Map<String, String> env, String remoteName) throws Exception {
        String host = env.get("FTP_HOST");
        int port = port(env.getOrDefault("FTP_PORT", "21"));
        String user = env.get("FTP_USER");
        if (user == null || user.isBlank()) throw Cli.fail("FTP_USER is not set (set it with FTP_HOST and FTP_PASSWORD)");
        String password = env.getOrDefault("FTP_PASSWORD", "");
        String caCert = env.get("FTP_CA_CERT");
        String where = "ftp://" + user + "@" + host + ":" + port;

        // Where downloads go: a folder of their own; a remote name can never lead outside it
        Path localDir = Files.createDirectories(Env.workDir().resolve("ftp"));
        Path localFile = DataFiles.insideFolder(localDir, remoteName);
        Path sample = DataFiles.sample("customers.csv");

        // Connect to FTP server: FTP(host), with timeouts ftplib leaves to you
        Cli.step("Connect to FTP server");
        FTPClient ftp = new FTPClient();
        ftp.setConnectTimeout(CONNECT_TIMEOUT_MS);
        ftp.setDefaultTimeout((int) READ_TIMEOUT.toMillis()); // every answer after the welcome line
        ftp.setDataTimeout(READ_TIMEOUT);
        try {
            ftp.connect(host, port);
        } catch (IOException e) {
            throw connectFailure(e, where);
        }
        System.out.println("Connected to " + host + ":" + port + ": " + ftp.getReplyString().strip());

        // ftp.login(user=..., passwd=...)
        if (!ftp.login(user, password)) {
            String reply = ftp.getReplyString().strip();
            ftp.disconnect();
            throw Cli.fail("cannot log in to %s: the server answered %s", where, reply);
        }
        System.out.println("Logged in as " + user + " with password ****");
        System.out.println("Plain FTP sends the user name and password in clear text: anyone on the network path can read them."
                + " Use FTPS (below) or SFTP.");

        // Passive mode: the client opens the data connections, which works through NAT and firewalls
        ftp.enterLocalPassiveMode();
        // Binary mode: bytes arrive unchanged (ASCII mode rewrites line ends)
        ftp.setFileType(FTP.BINARY_FILE_TYPE);

        // Not in the chapter: the remote folder starts empty, so upload the sample for something to list
        Cli.step("Prepare the remote folder " + REMOTE_DIR + "/ (upload the sample as data.csv)");
        if (!ftp.changeWorkingDirectory(REMOTE_DIR)) {
            if (!ftp.makeDirectory(REMOTE_DIR) || !ftp.changeWorkingDirectory(REMOTE_DIR)) {
                throw Cli.fail("cannot create the remote folder %s on %s: %s", REMOTE_DIR, where, ftp.getReplyString().strip());
            }
        }
        try (InputStream in = Files.newInputStream(sample)) {
            if (!ftp.storeFile("data.csv", in)) throw Cli.fail("upload to %s failed: %s", where, ftp.getReplyString().strip());
        }
        System.out.println("Uploaded " + sample.getFileName() + " as " + REMOTE_DIR + "/data.csv");

        // List directory: nlst() gives the names, like ftp.nlst(); MLSD adds size and time
        Cli.step("List directory " + REMOTE_DIR + "/");
        String[] files = ftp.listNames();
        for (String filename : files) {
            System.out.println(filename);
        }
        System.out.println("With size and time (MLSD):");
        for (FTPFile file : ftp.mlistDir()) {
            System.out.printf("%-20s %8d bytes  %s%n", file.getName(), file.getSize(), file.getTimestampInstant());
        }

        // Download file: RETR in binary mode, into a temp file beside the target, moved into place when complete
        Cli.step("Download file " + REMOTE_DIR + "/" + remoteName + " to " + localFile + " (binary mode)");
        try {
            DataFiles.writeAtomically(localFile, temp -> {
                try (var out = Files.newOutputStream(temp)) {
                    if (!ftp.retrieveFile(remoteName, out)) throw new IOException(ftp.getReplyString().strip());
                }
            });
        } catch (IOException e) {
            throw downloadFailure(e, REMOTE_DIR + "/" + remoteName, where, localFile);
        }
        System.out.println("Downloaded " + Files.size(localFile) + " bytes to " + localFile);

        // Upload file: STOR in binary mode
        Cli.step("Upload file " + localFile + " as " + REMOTE_DIR + "/uploaded.csv");
        try (InputStream in = Files.newInputStream(localFile)) {
            if (!ftp.storeFile("uploaded.csv", in)) throw Cli.fail("upload to %s failed: %s", where, ftp.getReplyString().strip());
        }
        FTPFile stored = ftp.mlistFile("uploaded.csv"); // MLST: null on a server that does not know it
        System.out.println("Uploaded; the server reports " + (stored != null ? stored.getSize() + " bytes" : "no size (no MLST)")
                + " for " + REMOTE_DIR + "/uploaded.csv");

        // Close connection: QUIT, then close the socket
        Cli.step("Close connection (QUIT)");
        ftp.logout();
        ftp.disconnect();
        System.out.println("Logged out and disconnected");

        // FTPS, Python's FTP_TLS: explicit TLS (AUTH TLS) on the same port, then PROT P for the data connections
        Cli.step("FTPS: explicit TLS, PROT P");
        FTPSClient ftps = new FTPSClient(false); // false: explicit (AUTH TLS), not implicit port 990
        // Check the certificate: against FTP_CA_CERT when set, else the JDK's trusted authorities
        ftps.setTrustManager(caCert != null ? trustOnly(Path.of(caCert)) : TrustManagerUtils.getDefaultTrustManager(null));
        ftps.setEndpointCheckingEnabled(true); // the certificate must name the host we asked for
        ftps.setConnectTimeout(CONNECT_TIMEOUT_MS);
        ftps.setDefaultTimeout((int) READ_TIMEOUT.toMillis());
        ftps.setDataTimeout(READ_TIMEOUT);
        boolean requireTls = Env.get("FTP_REQUIRE_TLS", "").equals("1"); // a server without TLS is then an error
        boolean tls = false;
        try {
            ftps.connect(host, port);
            tls = true;
        } catch (SSLException e) {
            if (!String.valueOf(e.getMessage()).matches("(?s)\\d{3} .*")) { // not the server's own answer to AUTH TLS
                throw Cli.fail("FTPS to %s failed: %s (a certificate you trust on purpose goes in FTP_CA_CERT)", where, reason(e));
            }
            if (requireTls) {
                throw Cli.fail("FTPS to %s failed: the server does not offer explicit TLS (AUTH TLS answered %s); FTP_REQUIRE_TLS=1 asks for it",
                        where, e.getMessage().strip());
            }
            // the chapter's plain FTP has already run: a server without TLS ends the lesson with a warning, not a failure
            System.out.println("This server offers no TLS (AUTH TLS answered " + e.getMessage().strip() + "): the password went over"
                    + " the network in clear above; FTPS skipped (FTP_REQUIRE_TLS=1 makes this an error)");
            ftps.disconnect();
        }
        if (tls) {
            if (!ftps.login(user, password)) throw Cli.fail("cannot log in to %s over FTPS: %s", where, ftps.getReplyString().strip());
            ftps.execPBSZ(0);
            ftps.execPROT("P"); // P: the data connections are encrypted too (C would send the files in clear)
            ftps.enterLocalPassiveMode();
            ftps.setFileType(FTP.BINARY_FILE_TYPE);
            Path viaTls = localDir.resolve("data-ftps.csv");
            DataFiles.writeAtomically(viaTls, temp -> {
                try (var out = Files.newOutputStream(temp)) {
                    if (!ftps.retrieveFile(REMOTE_DIR + "/uploaded.csv", out)) throw new IOException(ftps.getReplyString().strip());
                }
            });
            System.out.println("Over TLS (password and data encrypted): downloaded " + REMOTE_DIR + "/uploaded.csv to " + viaTls
                    + " (" + Files.size(viaTls) + " bytes)");
            ftps.logout();
            ftps.disconnect();
        }
    }

    /** A trust manager that trusts exactly the certificate in {@code pem}: a self-signed server, trusted on purpose. */
    static X509TrustManager trustOnly(Path pem) throws Exception {
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = Files.newInputStream(pem)) {
            store.setCertificateEntry("ftp-server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (IOException e) {
            throw Cli.fail("cannot read the certificate FTP_CA_CERT=%s: %s", pem, reason(e));
        }
        return TrustManagerUtils.getDefaultTrustManager(store);
    }

    static int port(String text) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) return port;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Cli.fail("FTP_PORT must be a port number from 1 to 65535, got '%s'", text);
    }

    static Cli.Failure connectFailure(IOException e, String where) {
        if (e instanceof ConnectException) {
            return Cli.fail("cannot connect to %s: connection refused (nothing listens on that port)", where);
        }
        if (e instanceof SocketTimeoutException || e.getCause() instanceof SocketTimeoutException) {
            // the welcome line is read with the connect timeout, every later answer with READ_TIMEOUT
            return Cli.fail("cannot connect to %s: no FTP answer within %d s (connect timeout)", where, CONNECT_TIMEOUT_MS / 1000);
        }
        return Cli.fail("cannot connect to %s: %s", where, reason(e));
    }

    static Cli.Failure downloadFailure(IOException e, String remoteFile, String where, Path localFile) {
        String kept = Files.exists(localFile) ? "the older " + localFile + " is kept as it was" : "nothing was written to " + localFile;
        if (String.valueOf(e.getMessage()).startsWith("550")) {
            return Cli.fail("remote file %s does not exist on %s (%s); %s", remoteFile, where, e.getMessage(), kept);
        }
        return Cli.fail("download of %s from %s broke off: %s; %s", remoteFile, where, reason(e), kept);
    }

    /** The exception's message and its root cause's, on one line. */
    static String reason(Throwable e) {
        String message = String.valueOf(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) message += ": " + root.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
