package elkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The env-var contract, once, in code: each data system, the variables that point a lesson at it
 * (secret or not), and the local server that stands in when they are unset, with its
 * {@code ./jbang sandbox} service name. {@code sandbox}, {@code doctor}, {@code tour} and every
 * script's {@code --help} read it; a test checks it against the README's table, against every
 * {@code elkit.local} server and against every variable a script reads.
 * It needs no library: naming a server's class starts nothing.
 */
public final class EnvContract {
    private EnvContract() {}

    /** A variable of the contract. A secret's value is never printed. */
    public record Variable(String name, boolean secret, String meaning) {}

    /**
     * A data system: its variables, and the local server that stands in when they are unset
     * ({@code service} and {@code server} are null where there is none, or none that sandbox runs).
     */
    public record DataSystem(String name, String service, String server, List<Variable> variables) {
        /** The variables' names, in order. */
        public List<String> names() {
            return variables.stream().map(Variable::name).toList();
        }

        /** Whether a lesson reads this system's variables (not ELKit's own, not the platform's). */
        public boolean isTarget() {
            return !name.equals(ELKIT) && !name.equals(PLATFORM);
        }
    }

    public static final String ELKIT = "ELKit itself";
    public static final String PLATFORM = "the platform";

    private static final List<DataSystem> SYSTEMS = List.of(
            system("PostgreSQL", "postgres", "elkit.local.LocalPostgres",
                    plain("PG_URL", "JDBC URL, jdbc:postgresql://host:5432/db"), plain("PG_USER", "user"),
                    secret("PG_PASSWORD", "password"),
                    plain("TARGET_PG_URL", "connect-cluster's sink target: a second database, same user (JDBC URL)")),
            system("MySQL", "mysql", "elkit.local.LocalMariaDb",
                    plain("MYSQL_URL", "JDBC URL, jdbc:mysql://host:3306/db"), plain("MYSQL_USER", "user"),
                    secret("MYSQL_PASSWORD", "password")),
            // no server runs here; with ELKIT_DOCKER=1 the lesson starts one in Docker, sandbox does not
            system("SQL Server", null, "elkit.local.LocalSqlServer",
                    plain("MSSQL_URL", "JDBC URL, jdbc:sqlserver://host:1433;databaseName=db"), plain("MSSQL_USER", "user"),
                    secret("MSSQL_PASSWORD", "password")),
            system("S3", "s3", "elkit.local.LocalS3",
                    plain("AWS_ACCESS_KEY_ID", "access key (the AWS SDK's own variable)"),
                    secret("AWS_SECRET_ACCESS_KEY", "secret key"), plain("AWS_REGION", "region"),
                    plain("AWS_ENDPOINT_URL", "endpoint: MinIO, LocalStack, any S3 API"), plain("S3_BUCKET", "bucket"),
                    plain("S3_DEST_BUCKET", "a second bucket for the copy (optional)")),
            system("GCS", null, null,
                    plain("GOOGLE_APPLICATION_CREDENTIALS", "service account key file"),
                    plain("STORAGE_EMULATOR_HOST", "emulator endpoint"), plain("GCS_BUCKET", "bucket"),
                    plain("GOOGLE_CLOUD_PROJECT", "project id")),
            system("Azure Blob", "azure", "elkit.local.LocalAzurite",
                    secret("AZURE_STORAGE_CONNECTION_STRING", "connection string"), plain("AZURE_CONTAINER", "container")),
            system("HTTP API", "api", "elkit.local.LocalApi",
                    plain("API_BASE_URL", "base URL, https://api.example.com/v1"), secret("API_TOKEN", "bearer token"),
                    plain("POKEAPI_BASE_URL", "the first example's PokeAPI")),
            system("Scraping", "shop", "elkit.local.LocalShop", plain("SCRAPE_URL", "the page to scrape")),
            system("SFTP", "sftp", "elkit.local.LocalSftp",
                    plain("SFTP_HOST", "host"), plain("SFTP_PORT", "port, 22"), plain("SFTP_USER", "user"),
                    secret("SFTP_PASSWORD", "password"), plain("SFTP_KEY", "private key file, instead of a password"),
                    plain("SFTP_KNOWN_HOSTS", "known_hosts file with the server's key")),
            system("FTP", "ftp", "elkit.local.LocalFtp",
                    plain("FTP_HOST", "host"), plain("FTP_PORT", "port, 21"), plain("FTP_USER", "user"),
                    secret("FTP_PASSWORD", "password"), plain("FTP_CA_CERT", "PEM certificate FTPS trusts on purpose"),
                    plain("FTP_REQUIRE_TLS", "1: a server without TLS is an error, not a warning")),
            system("Kafka", "kafka", "elkit.local.LocalKafka",
                    plain("KAFKA_BOOTSTRAP_SERVERS", "brokers, host:9092[,host:9092]")),
            // connect-cluster starts workers of its own (it kills one); sandbox connect serves a cluster to deploy to by hand
            system("Kafka Connect", "connect", "elkit.local.LocalConnect",
                    plain("CONNECT_URL", "a Connect worker's REST API, http://host:8083"),
                    plain("CONNECT_URLS", "every worker's REST API, comma-separated")),
            system(ELKIT, null, null,
                    plain("ELKIT_WORK", "where lessons write their files (default ./work)"),
                    plain("ELKIT_DOCKER", "1: let lessons and tests use Testcontainers where Docker runs"),
                    plain("ELKIT_REPO", "the ELKit checkout the tools work on"),
                    plain("ELKIT_JBANG_CACHE", "where ./jbang keeps the JBang it fetched"),
                    plain("ELKIT_PROGRESS", "0: no progress bars, even on a terminal"),
                    plain("ELKIT_PYTHON", "the Python that bench-kafka runs its confluent-kafka peer with"),
                    plain("ELKIT_BWRAP", "the bwrap that classroom grade sandboxes each run with (default: bwrap on PATH)")),
            // read by a tool, defined by the system: not ours to document, listed so the scan knows them
            system(PLATFORM, null, null,
                    plain("PATH", "where commands are found"), plain("CI", "true on a CI machine: progress stays quiet"), plain("XDG_CACHE_HOME", "the user's cache folder")));

    private static DataSystem system(String name, String service, String server, Variable... variables) {
        return new DataSystem(name, service, server, List.of(variables));
    }

    private static Variable plain(String name, String meaning) {
        return new Variable(name, false, meaning);
    }

    private static Variable secret(String name, String meaning) {
        return new Variable(name, true, meaning);
    }

    /** Every system, in the README's order, ELKit's own and the platform's last. */
    public static List<DataSystem> systems() {
        return SYSTEMS;
    }

    /** The system called {@code name} ("PostgreSQL", "S3" ...). */
    public static DataSystem system(String name) {
        return SYSTEMS.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no system " + name + " in the env-var contract"));
    }

    /** The variable called {@code name}, if the contract has it. */
    public static Optional<Variable> variable(String name) {
        return SYSTEMS.stream().flatMap(s -> s.variables().stream()).filter(v -> v.name().equals(name)).findFirst();
    }

    /** Every variable that points a lesson at a system: unset them all and every lesson takes its local server. */
    public static List<String> targetVariables() {
        var names = new ArrayList<String>();
        SYSTEMS.stream().filter(DataSystem::isTarget).forEach(s -> names.addAll(s.names()));
        return names;
    }

    /** The services of {@code ./jbang sandbox}, in the contract's order, each with its system. */
    public static Map<String, DataSystem> services() {
        var services = new LinkedHashMap<String, DataSystem>();
        SYSTEMS.stream().filter(s -> s.service() != null).forEach(s -> services.put(s.service(), s));
        return services;
    }

    /** All names of the contract, for tests and tools. */
    public static List<String> names() {
        return SYSTEMS.stream().flatMap(s -> s.names().stream()).toList();
    }
}
