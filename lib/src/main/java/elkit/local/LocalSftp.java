// A helper file's own dependencies, read by JBang through //SOURCES:
//DEPS org.apache.sshd:sshd-core:2.20.0
//DEPS org.apache.sshd:sshd-sftp:2.20.0
// at the version the tests run with (ClasspathParityTest): sshd alone would bring 1.7.36
//DEPS org.slf4j:jcl-over-slf4j:2.0.17
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package elkit.local;

import elkit.Scratch;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real SFTP server on 127.0.0.1 for one run: Apache MINA SSHD with its SFTP subsystem, a free
 * port, a host key made for this run, and one user ({@code elkit}) who logs in with a random
 * password or with a key pair made for this run. The user's home is an empty temp folder.
 * It writes a known_hosts file with its own host key ({@code [127.0.0.1]:PORT ecdsa-sha2-nistp256 ...}),
 * so that a client can check the host key strictly instead of trusting whatever answers.
 * Everything it wrote is deleted by {@link #close()}.
 */
public final class LocalSftp implements LocalServer {

    public static final String USER = "elkit";

    private final SshServer server;
    private final Path dir;
    private final KeyPair hostKey;
    private final String password;
    /** Deletes the temp folder if the JVM ends without close() (a notebook kernel stopped midway). */
    private final Thread cleanup;
    private volatile long cutOffAfter = -1;

    private LocalSftp(SshServer server, Path dir, KeyPair hostKey, String password) {
        this.server = server;
        this.dir = dir;
        this.hostKey = hostKey;
        this.password = password;
        this.cleanup = new Thread(() -> Scratch.deleteQuietly(dir));
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Starts the server and prints one line saying so. */
    public static LocalSftp start() {
        long started = System.nanoTime();
        Path dir = null;
        try {
            dir = Scratch.folder("sftp");
            Path home = Files.createDirectories(dir.resolve("home"));
            KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
            KeyPair userKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
            writePrivateKey(userKey, dir.resolve("id_ecdsa"));
            String password = Scratch.secret(12);

            var server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
            server.setPasswordAuthenticator((user, given, session) -> USER.equals(user) && password.equals(given));
            server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && KeyUtils.compareKeys(key, userKey.getPublic()));
            server.setKeyboardInteractiveAuthenticator(null);
            server.setFileSystemFactory(new VirtualFileSystemFactory(home));
            var local = new LocalSftp(server, dir, hostKey, password);
            var sftp = new SftpSubsystemFactory.Builder().build();
            sftp.addSftpEventListener(local.faults());
            server.setSubsystemFactories(List.of(sftp));
            server.start();
            Files.writeString(local.knownHosts(), local.knownHostsLine() + "\n");
            LocalServer.announce("SFTP_HOST", "a local SFTP server (Apache MINA SSHD)", "127.0.0.1:" + server.getPort(), started);
            return local;
        } catch (IOException | GeneralSecurityException e) {
            Scratch.deleteQuietly(dir);
            throw new IllegalStateException("could not start the local SFTP server: " + e.getMessage(), e);
        }
    }

    /**
     * The env-var contract pointing at this server: SFTP_HOST, SFTP_PORT, SFTP_USER, SFTP_PASSWORD,
     * SFTP_KEY (a private key file that logs in as well) and SFTP_KNOWN_HOSTS.
     */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("SFTP_HOST", "127.0.0.1");
        env.put("SFTP_PORT", String.valueOf(port()));
        env.put("SFTP_USER", USER);
        env.put("SFTP_PASSWORD", password);
        env.put("SFTP_KEY", keyFile().toString());
        env.put("SFTP_KNOWN_HOSTS", knownHosts().toString());
        return env;
    }

    public int port() {
        return server.getPort();
    }

    /** The user's home folder on this machine: what the server shows as {@code /}. */
    public Path home() {
        return dir.resolve("home");
    }

    /** The user's private key (OpenSSH format, no passphrase). */
    public Path keyFile() {
        return dir.resolve("id_ecdsa");
    }

    /** A known_hosts file holding this server's host key, and nothing else. */
    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** {@code [127.0.0.1]:PORT ecdsa-sha2-nistp256 AAAA...}: the form ssh uses for a port other than 22. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** The host key's fingerprint as ssh shows it: {@code SHA256:...}. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(hostKey.getPublic());
    }

    /** For tests: from now on, a download that reaches {@code bytes} loses its connection. */
    public void cutOffDownloadsAfter(long bytes) {
        cutOffAfter = bytes;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the local SFTP server: " + e.getMessage(), e);
        } finally {
            Scratch.deleteQuietly(dir);
        }
    }

    /** Writes {@code keys}' private key in OpenSSH format, readable by its owner only, as ssh wants. */
    public static void writePrivateKey(KeyPair keys, Path file) throws IOException, GeneralSecurityException {
        try (var out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keys, "elkit", (OpenSSHKeyEncryptionContext) null, out);
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the folder is private to the user anyway
        }
    }

    private SftpEventListener faults() {
        return new SftpEventListener() {
            @Override
            public void reading(ServerSession session, String remoteHandle, FileHandle localHandle,
                                long offset, byte[] data, int dataOffset, int dataLen) throws IOException {
                long limit = cutOffAfter;
                if (limit >= 0 && offset + dataLen > limit) {
                    session.close(true); // the connection drops, as when a network cable is pulled
                    throw new IOException("connection cut off on purpose after " + limit + " bytes");
                }
            }
        };
    }
}
