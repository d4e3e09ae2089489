///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "SFTP with paramiko": JSch. Connect with the host key checked, list, download (temp file, then move), upload, close, and try-with-resources; password and key login.
//DEPS com.github.mwiede:jsch:2.28.8
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/local/LocalSftp.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

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

/**
 * Usage: transfer-sftp [remote-file] [--verbose]
 * Target: SFTP_HOST, SFTP_PORT (22), SFTP_USER, SFTP_PASSWORD and/or SFTP_KEY (a private key file),
 * SFTP_KNOWN_HOSTS (default ~/.ssh/known_hosts); when SFTP_HOST is unset, a local SFTP server
 * started for this run. The lesson works in the remote folder elkit-transfer-sftp/ only: it uploads
 * the sample there as data.csv, then lists it and downloads remote-file (default data.csv) from it
 * into the work folder's sftp/ folder.
 */
class transfer_sftp {

    static final String REMOTE_DIR = "elkit-transfer-sftp";
    static final int CONNECT_TIMEOUT_MS = 5_000; // to reach the host and finish the SSH handshake
    static final int READ_TIMEOUT_MS = 10_000;   // for any answer afterwards: a silent server cannot hang us

    /** An SSH session and its SFTP channel, closed together: paramiko's SSHClient as a context manager. */
    record SftpConnection(Session session, ChannelSftp sftp) implements AutoCloseable {
        @Override
        public void close() {
            sftp.exit();
            session.disconnect();
        }
    }

    static final Options OPTIONS = Options.usage("transfer-sftp [remote-file]")
            .argument("remote-file", "the name to upload to and download from (default: data.csv)")
            .env("SFTP", "ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(transfer_sftp::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        if (args.size() > 1) throw Cli.fail(2, "usage: transfer-sftp [remote-file] [--verbose]");
        String remoteName = args.isEmpty() ? "data.csv" : args.get(0);
        // The target: the user's server from SFTP_HOST, else a real SFTP server started for this run
        try (var local = Env.optional("SFTP_HOST").isPresent() ? null : LocalSftp.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            teach(env, remoteName);
        }
    }

    static void teach(Map<String, String> env, String remoteName) throws Exception {
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

        // List files: name, size and time (listdir gives names only; ls gives the attributes too)
        Cli.step("List files in " + REMOTE_DIR + "/");
        for (ChannelSftp.LsEntry entry : sftp.ls(REMOTE_DIR)) {
            String filename = entry.getFilename();
            if (filename.equals(".") || filename.equals("..")) continue;
            long size = entry.getAttrs().getSize();
            Instant modified = Instant.ofEpochSecond(entry.getAttrs().getMTime());
            System.out.printf("%-20s %8d bytes  %s%n", filename, size, modified);
        }

        // Download file: into a temp file beside the target, moved into place only when complete
        Cli.step("Download file " + REMOTE_DIR + "/" + remoteName + " to " + localFile);
        String remoteFile = REMOTE_DIR + "/" + remoteName;
        try {
            DataFiles.writeAtomically(localFile, temp -> sftp.get(remoteFile, temp.toString()));
        } catch (SftpException e) {
            throw downloadFailure(e, remoteFile, where, localFile);
        }
        System.out.println("Downloaded " + Files.size(localFile) + " bytes to " + localFile);

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
    }

    static int port(String text) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) return port;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Cli.fail("SFTP_PORT must be a port number from 1 to 65535, got '%s'", text);
    }

    /** One line for each way a connection fails: host key, login, refused, no answer. */
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

    /** The exception's message and its root cause's, on one line. */
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
}
