// A helper file's own dependencies, read by JBang through //SOURCES:
//DEPS org.apache.ftpserver:ftpserver-core:1.2.1
//DEPS org.apache.mina:mina-core:2.2.4
//DEPS org.bouncycastle:bcpkix-jdk18on:1.87 org.bouncycastle:bcprov-jdk18on:1.87 org.bouncycastle:bcutil-jdk18on:1.87
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package elkit.local;

import elkit.Scratch;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.filesystem.nativefs.NativeFileSystemFactory;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.FtpFile;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real FTP server on 127.0.0.1 for one run: Apache FtpServer on a free port, one user
 * ({@code elkit}, random password) whose home is an empty temp folder, passive mode, and explicit
 * FTPS (AUTH TLS, then PROT P) with a self-signed certificate for 127.0.0.1 made for this run.
 * The certificate is also written as a PEM file (FTP_CA_CERT), so that a client can trust exactly
 * this server instead of turning certificate checks off. Everything is deleted by {@link #close()}.
 */
public final class LocalFtp implements LocalServer {

    public static final String USER = "elkit";

    private final FtpServer server;
    private final int port;
    private final Path dir;
    private final String password;
    /** Deletes the temp folder if the JVM ends without close() (a notebook kernel stopped midway). */
    private final Thread cleanup;
    private final long[] cutOffAfter;

    private LocalFtp(FtpServer server, int port, Path dir, String password, long[] cutOffAfter) {
        this.server = server;
        this.port = port;
        this.dir = dir;
        this.password = password;
        this.cleanup = new Thread(() -> Scratch.deleteQuietly(dir));
        Runtime.getRuntime().addShutdownHook(cleanup);
        this.cutOffAfter = cutOffAfter;
    }

    /** Starts the server and prints one line saying so. */
    public static LocalFtp start() {
        long started = System.nanoTime();
        Path dir = null;
        try {
            dir = Scratch.folder("ftp");
            Path home = Files.createDirectories(dir.resolve("home"));
            String password = Scratch.secret(12);
            String keystorePassword = Scratch.secret(12);
            writeCertificate(dir.resolve("server.p12"), keystorePassword, dir.resolve("ca.pem"));

            var ssl = new SslConfigurationFactory();
            ssl.setKeystoreFile(dir.resolve("server.p12").toFile());
            ssl.setKeystoreType("PKCS12");
            ssl.setKeystorePassword(keystorePassword);
            var data = new DataConnectionConfigurationFactory();
            data.setPassiveAddress("127.0.0.1"); // passive data ports: any free one, on 127.0.0.1
            var listener = new ListenerFactory();
            listener.setServerAddress("127.0.0.1");
            listener.setPort(0);
            listener.setSslConfiguration(ssl.createSslConfiguration()); // explicit FTPS: AUTH TLS on the same port
            listener.setImplicitSsl(false);
            listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
            listener.setIdleTimeout(60);

            var factory = new FtpServerFactory();
            var ftpListener = listener.createListener();
            factory.addListener("default", ftpListener);
            var users = new PropertiesUserManagerFactory().createUserManager();
            var user = new BaseUser();
            user.setName(USER);
            user.setPassword(password);
            user.setHomeDirectory(home.toString());
            user.setAuthorities(List.of(new WritePermission()));
            users.save(user);
            factory.setUserManager(users);
            long[] cutOffAfter = {-1};
            var files = new NativeFileSystemFactory();
            factory.setFileSystem(u -> withFaults(files.createFileSystemView(u), cutOffAfter));

            FtpServer server = factory.createServer();
            server.start();
            var local = new LocalFtp(server, ftpListener.getPort(), dir, password, cutOffAfter);
            LocalServer.announce("FTP_HOST", "a local FTP/FTPS server (Apache FtpServer)", "127.0.0.1:" + local.port, started);
            return local;
        } catch (Exception e) {
            Scratch.deleteQuietly(dir);
            throw new IllegalStateException("could not start the local FTP server: " + e.getMessage(), e);
        }
    }

    /** The env-var contract pointing at this server: FTP_HOST, FTP_PORT, FTP_USER, FTP_PASSWORD, FTP_CA_CERT. */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("FTP_HOST", "127.0.0.1");
        env.put("FTP_PORT", String.valueOf(port));
        env.put("FTP_USER", USER);
        env.put("FTP_PASSWORD", password);
        env.put("FTP_CA_CERT", caCert().toString());
        return env;
    }

    public int port() {
        return port;
    }

    /** The user's home folder on this machine: what the server shows as {@code /}. */
    public Path home() {
        return dir.resolve("home");
    }

    /** The server's certificate (PEM): the one certificate an FTPS client should trust here. */
    public Path caCert() {
        return dir.resolve("ca.pem");
    }

    /** For tests: from now on, a download that reaches {@code bytes} loses its data connection. */
    public void cutOffDownloadsAfter(long bytes) {
        cutOffAfter[0] = bytes;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        try {
            server.stop();
        } finally {
            Scratch.deleteQuietly(dir);
        }
    }

    /** A self-signed certificate for 127.0.0.1 (EC P-256, valid one day) in a PKCS12 key store, and as PEM. */
    private static void writeCertificate(Path keystore, String password, Path pem) throws Exception {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        var keys = generator.generateKeyPair();
        var name = new X500Name("CN=127.0.0.1, O=ELKit local FTP server");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), password.toCharArray(), new X509Certificate[] {certificate});
        try (var out = Files.newOutputStream(keystore)) {
            store.store(out, password.toCharArray());
        }
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded());
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
    }

    /** The file system, with downloads that break off after {@code cutOffAfter[0]} bytes when it is 0 or more. */
    private static FileSystemView withFaults(FileSystemView view, long[] cutOffAfter) {
        return (FileSystemView) Proxy.newProxyInstance(LocalFtp.class.getClassLoader(), new Class<?>[] {FileSystemView.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, view, args);
                    return result instanceof FtpFile file ? withFaults(file, cutOffAfter) : result;
                });
    }

    private static FtpFile withFaults(FtpFile file, long[] cutOffAfter) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result = invoke(method, file, args);
            long limit = cutOffAfter[0];
            if (method.getName().equals("createInputStream") && limit >= 0) {
                return new FilterInputStream((InputStream) result) {
                    long sent;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (sent >= limit) throw new IOException("connection cut off on purpose after " + limit + " bytes");
                        int n = super.read(b, off, (int) Math.min(len, limit - sent));
                        if (n > 0) sent += n;
                        return n;
                    }
                };
            }
            return result;
        };
        return (FtpFile) Proxy.newProxyInstance(LocalFtp.class.getClassLoader(), new Class<?>[] {FtpFile.class}, handler);
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
