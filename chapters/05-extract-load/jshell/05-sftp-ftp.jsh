// JShell walkthrough of notebooks/05-sftp-ftp.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/05-sftp-ftp.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/05-sftp-ftp.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/transfer-sftp.java
//DEPS ../../../scripts/transfer-ftp.java
//DEPS ../../../scripts/bench-transfer.java

// # 5. SFTP/FTP: secure file transfer
//
// The chapter's `paramiko` and `ftplib` examples with **JSch** and **Apache commons-net**, cell by cell, as in `scripts/transfer-sftp.java` and `scripts/transfer-ftp.java`. See `chapters/05-extract-load/05-sftp-ftp.md` for why the host key is always checked (never `AutoAddPolicy`) and for the local servers.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// ## SFTP with paramiko → JSch
//
// The imports and settings of `transfer-sftp`:

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import elkit.Cli;
import elkit.DataFiles;
import elkit.Env;
import elkit.local.LocalSftp;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

static final String REMOTE_DIR = "elkit-transfer-sftp";
static final int CONNECT_TIMEOUT_MS = 5_000; // to reach the host and finish the SSH handshake
static final int READ_TIMEOUT_MS = 10_000;   // for any answer afterwards: a silent server cannot hang us

// An SSH session and its SFTP channel, closed together: the `with` form of paramiko as a record for try-with-resources.

record SftpConnection(Session session, ChannelSftp sftp) implements AutoCloseable {
    @Override
    public void close() {
        sftp.exit();
        session.disconnect();
    }
}

// The lesson's helpers: the port, and one clear line for each way a connection or a download fails.

static int port(String text) {
    try {
        int port = Integer.parseInt(text.strip());
        if (port >= 1 && port <= 65535) return port;
    } catch (NumberFormatException e) {
        // reported below
    }
    throw Cli.fail("SFTP_PORT must be a port number from 1 to 65535, got '%s'", text);
}

static Cli.Failure connectFailure(JSchException e, JSch jsch, Session session, String where, Path knownHosts, String credential) {
    String hostEntry = session.getPort() == 22 ? session.getHost() : "[" + session.getHost() + "]:" + session.getPort();
    var key = session.getHostKey();
    String offered = key == null ? "its key" : key.getType() + " key " + key.getFingerPrint(jsch);
    if (e instanceof JSchUnknownHostKeyException) {
        return Cli.fail("host key of %s is not in %s: the server offered %s. Refused (StrictHostKeyChecking=yes)."
                + " To trust it on purpose, compare the fingerprint with the server's admin, then add the key:"
                + " ssh-keyscan -p %d %s >> %s", hostEntry, knownHosts, offered, session.getPort(), session.getHost(), knownHosts);
    }
    if (e instanceof JSchChangedHostKeyException) {
        return Cli.fail("host key of %s has CHANGED: the server offered %s, which differs from the key in %s."
                + " Refused: this is what a man-in-the-middle looks like. If the server's key really changed, remove the old line"
                + " (ssh-keygen -R '%s' -f %s) and add the new key", hostEntry, offered, knownHosts, hostEntry, knownHosts);
    }
    Throwable cause = e.getCause();
    if (cause instanceof ConnectException) {
        return Cli.fail("cannot connect to %s: connection refused (nothing listens on that port)", where);
    }
    if (cause instanceof SocketTimeoutException || String.valueOf(e.getMessage()).contains("timeout")) {
        return Cli.fail("cannot connect to %s: no SSH answer within %d s (connect timeout)", where, CONNECT_TIMEOUT_MS / 1000);
    }
    if (String.valueOf(e.getMessage()).startsWith("Auth")) {
        return Cli.fail("cannot log in to %s: the server refused the %s", where, credential);
    }
    return Cli.fail("cannot connect to %s: %s", where, reason(e));
}

static String reason(Throwable e) {
    String message = String.valueOf(e.getMessage());
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) message += ": " + root.getMessage();
    return message.replaceAll("\\s+", " ").strip();
}

static Cli.Failure downloadFailure(SftpException e, String remoteFile, String where, Path localFile) {
    String kept = Files.exists(localFile) ? "the older " + localFile + " is kept as it was" : "nothing was written to " + localFile;
    if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        return Cli.fail("remote file %s does not exist on %s; %s", remoteFile, where, kept);
    }
    return Cli.fail("download of %s from %s broke off: %s; %s", remoteFile, where, reason(e), kept);
}

// notebook: the lesson's target: SFTP_HOST when set, else a local SFTP server for this notebook (stopped at the end)
LocalSftp local = Env.optional("SFTP_HOST").isPresent() ? null : LocalSftp.start();
Map<String, String> env = local != null ? local.env() : System.getenv();
String remoteName = "data.csv";

// Where the server is, and who logs in how: from the environment (the local server's values when it runs here).

String host = env.get("SFTP_HOST");
int port = port(env.getOrDefault("SFTP_PORT", "22"));
String user = env.get("SFTP_USER");
if (user == null || user.isBlank()) throw Cli.fail("SFTP_USER is not set (set it with SFTP_HOST)");
String password = env.get("SFTP_PASSWORD");
String keyFile = env.get("SFTP_KEY");
if (password == null && keyFile == null) throw Cli.fail("set SFTP_PASSWORD or SFTP_KEY (a private key file) to log in as %s", user);
Path knownHosts = Path.of(env.getOrDefault("SFTP_KNOWN_HOSTS", System.getProperty("user.home") + "/.ssh/known_hosts"));
String where = "sftp://" + user + "@" + host + ":" + port;

// Where downloads go: a folder of their own; a remote name can never lead outside it
Path localDir = Files.createDirectories(Env.workDir().resolve("sftp"));
Path localFile = DataFiles.insideFolder(localDir, remoteName);
Path sample = DataFiles.sample("customers.csv");

// ### Connect to SFTP server
//
// The host key must already be in `known_hosts` (`StrictHostKeyChecking=yes`); the login is the password, else the key; both timeouts are bounded.

// Connect to SFTP server: paramiko.Transport((host, port)) + transport.connect(username, password)
Cli.step("Connect to SFTP server (host key checked against " + knownHosts + ")");
JSch jsch = new JSch();
jsch.setKnownHosts(knownHosts.toString());
Session session = jsch.getSession(user, host, port);
// StrictHostKeyChecking=yes: a host whose key is not in known_hosts is refused, never added
session.setConfig("StrictHostKeyChecking", "yes");
if (password != null) {
    session.setPassword(password.getBytes(StandardCharsets.UTF_8));
    session.setConfig("PreferredAuthentications", "password");
} else {
    jsch.addIdentity(keyFile);
    session.setConfig("PreferredAuthentications", "publickey");
}
session.setTimeout(READ_TIMEOUT_MS);
try {
    session.connect(CONNECT_TIMEOUT_MS);
} catch (JSchException e) {
    throw connectFailure(e, jsch, session, where, knownHosts, password != null ? "password (SFTP_PASSWORD)" : "key in SFTP_KEY");
}
ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
sftp.connect(CONNECT_TIMEOUT_MS);
System.out.println("Connected to " + where + " with " + (password != null ? "password ****" : "key " + keyFile)
        + "; host key " + session.getHostKey().getFingerPrint(jsch) + " matches " + knownHosts);

// Not in the chapter: the remote folder starts empty, so the sample goes up first.

// Not in the chapter: the remote folder starts empty, so upload the sample for something to list
Cli.step("Prepare the remote folder " + REMOTE_DIR + "/ (upload the sample as data.csv)");
try {
    sftp.stat(REMOTE_DIR);
} catch (SftpException e) {
    if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) throw e;
    sftp.mkdir(REMOTE_DIR);
}
sftp.put(sample.toString(), REMOTE_DIR + "/data.csv");
System.out.println("Uploaded " + sample.getFileName() + " as " + REMOTE_DIR + "/data.csv");

// ### List files (name, size, time)

// List files: name, size and time (listdir gives names only; ls gives the attributes too)
Cli.step("List files in " + REMOTE_DIR + "/");
for (ChannelSftp.LsEntry entry : sftp.ls(REMOTE_DIR)) {
    String filename = entry.getFilename();
    if (filename.equals(".") || filename.equals("..")) continue;
    long size = entry.getAttrs().getSize();
    Instant modified = Instant.ofEpochSecond(entry.getAttrs().getMTime());
    System.out.printf("%-20s %8d bytes  %s%n", filename, size, modified);
}

// ### Download file: a temp file, moved into place when complete

// Download file: into a temp file beside the target, moved into place only when complete
Cli.step("Download file " + REMOTE_DIR + "/" + remoteName + " to " + localFile);
String remoteFile = REMOTE_DIR + "/" + remoteName;
try {
    DataFiles.writeAtomically(localFile, temp -> sftp.get(remoteFile, temp.toString()));
} catch (SftpException e) {
    throw downloadFailure(e, remoteFile, where, localFile);
}
System.out.println("Downloaded " + Files.size(localFile) + " bytes to " + localFile);

// ### Upload file, close connection

// Upload file
Cli.step("Upload file " + localFile + " as " + REMOTE_DIR + "/uploaded.csv");
sftp.put(localFile.toString(), REMOTE_DIR + "/uploaded.csv");
long uploaded = sftp.stat(REMOTE_DIR + "/uploaded.csv").getSize();
System.out.println("Uploaded " + uploaded + " bytes; the server has " + REMOTE_DIR + "/uploaded.csv");

// Close connection
Cli.step("Close connection");
sftp.exit();
session.disconnect();
System.out.println("SFTP channel and SSH session closed");

// ### Using a context manager → try-with-resources (with the key this time)

// Using try-with-resources (recommended), Java's context manager; this time with the key if there is one
Cli.step("Using try-with-resources (the context manager form)");
Session session2 = jsch.getSession(user, host, port);
session2.setConfig("StrictHostKeyChecking", "yes"); // never AutoAddPolicy: see the chapter page
if (keyFile != null) {
    jsch.addIdentity(keyFile);
    session2.setConfig("PreferredAuthentications", "publickey");
} else {
    session2.setPassword(password.getBytes(StandardCharsets.UTF_8));
}
session2.setTimeout(READ_TIMEOUT_MS);
try {
    session2.connect(CONNECT_TIMEOUT_MS);
} catch (JSchException e) {
    throw connectFailure(e, jsch, session2, where, knownHosts, keyFile != null ? "key in SFTP_KEY" : "password (SFTP_PASSWORD)");
}
try (var connection = new SftpConnection(session2, (ChannelSftp) session2.openChannel("sftp"))) {
    connection.sftp().connect(CONNECT_TIMEOUT_MS);
    Path again = localDir.resolve("local_data.csv");
    DataFiles.writeAtomically(again, temp -> connection.sftp().get(REMOTE_DIR + "/uploaded.csv", temp.toString()));
    System.out.println("Logged in with " + (keyFile != null ? "key " + keyFile : "password ****")
            + ", downloaded " + REMOTE_DIR + "/uploaded.csv to " + again + " (" + Files.size(again) + " bytes)");
}
System.out.println("Session closed by try-with-resources: " + !session2.isConnected());

// notebook: stop the local SFTP server (the script's try-with-resources does this)
if (local != null) local.close();

// ## FTP with ftplib → commons-net
//
// The imports, settings and helpers of `transfer-ftp`:

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

static final String REMOTE_DIR = "elkit-transfer-ftp";
static final int CONNECT_TIMEOUT_MS = 5_000;                 // to reach the host
static final Duration READ_TIMEOUT = Duration.ofSeconds(10); // for every answer: a silent server cannot hang us

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

// notebook: the lesson's target: FTP_HOST when set, else a local FTP/FTPS server for this notebook (stopped at the end)
LocalFtp localFtp = Env.optional("FTP_HOST").isPresent() ? null : LocalFtp.start();
Map<String, String> env = localFtp != null ? localFtp.env() : System.getenv();
String remoteName = "data.csv";

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

// ### Connect and log in (plain FTP: the password goes in clear text), passive and binary mode

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

// ### List directory, download in binary mode, upload, quit

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

// ### FTPS: explicit TLS, `PROT P`, the certificate checked

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

// notebook: stop the local FTP server (the script's try-with-resources does this)
if (localFtp != null) localFtp.close();

// ## Benchmark: throughput on loopback, as a chart
//
// `./jbang bench-transfer [megabytes]` (default 100) copies a file of random bytes with `Files.copy`, then uploads and downloads it through its own local SFTP server, FTP and FTPS with `PROT P`, checking every copy's SHA-256. Here it runs with 5 MB, so the cell takes seconds: its lines, then its chart (the same figures, also written to `work/bench/bench-transfer.svg` and `.png`). The figures of a full run are on the chapter page.

// notebook: the benchmark script's own code, loaded whole (scripts/bench-transfer.java)
// the notebook's %load ../scripts/bench-transfer.java
/open scripts/bench-transfer.java

// notebook: a small run: 5 MB; its figures, then the chart, show under the cell
bench_transfer.bench(List.of("5"));
