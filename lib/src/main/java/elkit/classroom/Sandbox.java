package elkit.classroom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sandbox a graded run happens in, on Linux: bubblewrap ({@code bwrap}) gives the run a file
 * system of its own, read-only but for a size-limited /tmp (its home, its work folder), showing only
 * the system's /usr, the JDK, the class path jars, the compiled submission and the exercise's data;
 * its own network namespace (a loopback of its own, no route out), its own process and IPC
 * namespaces; {@code prlimit} caps its processes, address space and file size. As root (a CI
 * machine), the run also drops to a user id of its own, since the kernel counts no process limit
 * for root. {@link Watch} names what the sandbox refused, from what the run printed and from the
 * run's own network counters.
 */
public final class Sandbox {
    private Sandbox() {}

    /** Where bwrap is, when it is not on PATH (or to point at another one). */
    public static final String BWRAP_ENV = "ELKIT_BWRAP";
    public static final String INSTALL = "Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap";

    /** The limits of one run (the time limit is the grader's own). */
    public static final long TMP_BYTES = 256L << 20;   // the writable /tmp: home, work folder, temp files
    public static final long FILE_BYTES = 128L << 20;  // one file
    public static final long ADDRESS_BYTES = 8L << 30; // virtual memory; the heap stays at -Xmx1g
    public static final int PROCESSES = 1024;          // processes and threads (the Kafka exercise runs a broker)

    /** Inside the sandbox: the compiled submission, the run's folder, its home. */
    static final String CLASSES = "/grading/classes";
    static final String RUN = "/tmp/run";
    static final String HOME = "/tmp/home";
    static final String MARK = "elkit-sandbox-net ";
    /** Prints the run's network counters (its own namespace's) after the JVM ends, on stderr. */
    static final String SCRIPT = "\"$@\"; s=$?; while IFS= read -r l; do case $l in Ip:*) echo \"" + MARK + "$l\" >&2;; esac; done"
            + " < /proc/net/snmp; while IFS= read -r l; do case $l in Ip6OutNoRoutes*) echo \"" + MARK + "$l\" >&2;; esac; done"
            + " < /proc/net/snmp6; exit $s";

    static final boolean ROOT = uid() == 0;
    /** As root, each run gets a user id of its own (from 61000), so that one run's processes do not count against another's. */
    static final AtomicInteger NEXT_UID = new AtomicInteger();
    private static volatile Optional<String> unavailable;

    /** Why no sandbox can run on this machine, or empty when it can (tried once per process). */
    public static Optional<String> unavailable() {
        if (unavailable == null) unavailable = probe();
        return unavailable;
    }

    static Optional<String> probe() {
        String os = System.getProperty("os.name");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("the sandbox needs Linux (bubblewrap), and this is " + os);
        }
        Optional<Path> bwrap = bwrap();
        if (bwrap.isEmpty()) {
            String configured = System.getenv(BWRAP_ENV);
            return Optional.of(configured != null ? BWRAP_ENV + "=" + configured + " is not an executable bwrap"
                    : "bubblewrap (bwrap) is not installed (" + INSTALL + ")");
        }
        if (tool("/usr/bin/prlimit").isEmpty()) return Optional.of("/usr/bin/prlimit is missing (util-linux)");
        if (tool("/bin/sh").isEmpty()) return Optional.of("/bin/sh is missing");
        if (ROOT && tool("/usr/bin/setpriv").isEmpty()) return Optional.of("/usr/bin/setpriv is missing (util-linux)");
        try {
            var command = new ArrayList<>(base(bwrap.get(), List.of()));
            command.add("--");
            command.addAll(asRunUser());
            command.addAll(List.of("/usr/bin/prlimit", "--nproc=" + PROCESSES, "--", "/bin/sh", "-c", "exit 0"));
            var process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("bwrap did not start a sandbox within 30 s");
            }
            if (process.exitValue() == 0) return Optional.empty();
            String first = said.lines().findFirst().orElse("exit code " + process.exitValue());
            if (first.contains("namespace") || first.contains("Operation not permitted") || first.contains("setting up uid map")) {
                return Optional.of("bwrap cannot create namespaces here (" + first + "): user namespaces are off"
                        + " (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 the AppArmor restriction on them)");
            }
            return Optional.of("bwrap failed: " + first);
        } catch (IOException | InterruptedException e) {
            return Optional.of("bwrap could not run: " + e.getMessage());
        }
    }

    /** The bwrap to use: $ELKIT_BWRAP, else bwrap on PATH. */
    static Optional<Path> bwrap() {
        String configured = System.getenv(BWRAP_ENV);
        if (configured != null) return tool(configured);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Optional<Path> found = tool(dir + "/bwrap");
            if (found.isPresent()) return found;
        }
        return Optional.empty();
    }

    static Optional<Path> tool(String path) {
        Path p = Path.of(path);
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    /** What one run may see besides the system: the JDK, the class path jars, the compiled submission, the data. */
    public record Run(Path javaHome, List<String> classpath, Path classes, Path data, Path etc) {}

    /**
     * The command that runs {@code java javaArgs} (class path and main class included) in a sandbox of
     * its own; the process's environment is {@link #environment()}. {@code etc} is a folder of the
     * grader's that holds the run's /etc/hosts and /etc/nsswitch.conf ({@link #writeEtc}).
     */
    public static List<String> command(Run run, List<String> javaArgs) throws IOException {
        var shown = new java.util.LinkedHashMap<String, String>(); // in the sandbox <- on the machine, read-only
        Path home = run.javaHome().toRealPath();
        if (!home.startsWith("/usr/")) shown.put(home.toString(), home.toString());
        for (Path outside : jdkLinksOutside(home)) shown.put(outside.toString(), outside.toString());
        shown.put("/etc/hosts", run.etc().resolve("hosts").toString());
        shown.put("/etc/nsswitch.conf", run.etc().resolve("nsswitch.conf").toString());
        for (String jar : run.classpath()) {
            if (!jar.startsWith("/usr/") && Files.exists(Path.of(jar))) shown.put(jar, jar);
        }
        shown.put(CLASSES, run.classes().toString());
        // the run's own /tmp first, so that a jar or JDK kept under the machine's /tmp is shown over it
        var binds = new ArrayList<String>(List.of("--proc", "/proc", "--dev", "/dev",
                "--perms", "1777", "--size", Long.toString(TMP_BYTES), "--tmpfs", "/tmp",
                "--perms", "0777", "--dir", HOME, "--perms", "0777", "--dir", RUN, "--perms", "0777", "--dir", RUN + "/work"));
        // the folders above what is shown, made readable first (bwrap would make them private to root)
        var folders = new java.util.TreeSet<String>();
        for (String inside : shown.keySet()) {
            for (Path up = Path.of(inside).getParent(); up != null && up.getParent() != null; up = up.getParent()) folders.add(up.toString());
        }
        folders.remove("/tmp");
        for (String folder : folders) binds.addAll(List.of("--perms", "0755", "--dir", folder));
        shown.forEach((inside, machine) -> binds.addAll(List.of("--ro-bind", machine, inside)));
        if (run.data() != null) binds.addAll(List.of("--ro-bind", run.data().toString(), RUN + "/chapters/05-extract-load/data"));
        binds.addAll(List.of("--chdir", RUN));

        var command = new ArrayList<>(base(bwrap().orElseThrow(() -> new IOException("bwrap is gone")), binds));
        command.add("--");
        command.addAll(asRunUser());
        command.addAll(List.of("/bin/sh", "-c", SCRIPT, "sh",
                "/usr/bin/prlimit", "--nproc=" + PROCESSES, "--as=" + ADDRESS_BYTES, "--fsize=" + FILE_BYTES, "--core=0", "--"));
        command.add(home.resolve("bin/java").toString());
        command.addAll(List.of("-Duser.home=" + HOME, "-Djava.io.tmpdir=/tmp"));
        command.addAll(javaArgs);
        return command;
    }

    /** The class path inside the sandbox: the submission's classes where they are bound, the jars where they are. */
    public static String classpath(List<String> jars) {
        var parts = new ArrayList<String>();
        parts.add(CLASSES);
        parts.addAll(jars);
        return String.join(":", parts);
    }

    /** The run's whole environment: nothing of the teacher's (no HOME, no tokens in variables). */
    public static java.util.Map<String, String> environment() {
        return java.util.Map.of("PATH", "/usr/bin:/bin", "HOME", HOME, "TMPDIR", "/tmp", "LANG", "C.UTF-8",
                "ELKIT_WORK", RUN + "/work", "MALLOC_ARENA_MAX", "2");
    }

    /** The sandbox's /etc/hosts and /etc/nsswitch.conf, written once into {@code dir}: localhost and the run's own host name. */
    public static Path writeEtc(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost elkit-grading\n::1 localhost ip6-localhost\n");
        Files.writeString(dir.resolve("nsswitch.conf"), "hosts: files\n");
        return dir;
    }

    /** As root: drop to the run's own user id, with no capabilities left (setpriv); else nothing. */
    static List<String> asRunUser() {
        if (!ROOT) return List.of();
        int uid = 61000 + NEXT_UID.getAndIncrement() % 1000;
        return List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all");
    }

    /** The namespaces, the system folders, the safety options: what every sandbox (and the probe) has. */
    static List<String> base(Path bwrap, List<String> binds) {
        var command = new ArrayList<String>(List.of(bwrap.toString()));
        if (ROOT) { // bwrap as root: namespaces without a user namespace, so that the run can drop to a user id of its own
            command.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                    "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"));
        } else {
            command.add("--unshare-all");
        }
        command.addAll(List.of("--die-with-parent", "--new-session", "--hostname", "elkit-grading", "--ro-bind", "/usr", "/usr"));
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path p = Path.of(top);
            try {
                if (Files.isSymbolicLink(p)) command.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                else if (Files.isDirectory(p)) command.addAll(List.of("--ro-bind", top, top));
            } catch (IOException unreadable) {
                // not there to show
            }
        }
        command.addAll(List.of("--perms", "0755", "--dir", "/etc")); // before a bind makes it, private to root
        for (String etc : List.of("/etc/ld.so.cache", "/etc/localtime")) {
            if (Files.exists(Path.of(etc))) command.addAll(List.of("--ro-bind", etc, etc));
        }
        command.addAll(binds);
        return command;
    }

    private static final java.util.Map<Path, List<Path>> JDK_LINKS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Where the JDK's symbolic links lead outside it and outside /usr (Debian's JDK keeps its config in /etc). */
    static List<Path> jdkLinksOutside(Path home) {
        return JDK_LINKS.computeIfAbsent(home, h -> {
            var found = new LinkedHashSet<Path>();
            try (Stream<Path> files = Files.walk(h)) {
                for (Path link : files.filter(Files::isSymbolicLink).toList()) {
                    Path target = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
                    if (!target.startsWith(h) && !target.startsWith("/usr/") && Files.exists(target)) found.add(target);
                }
            } catch (IOException e) {
                // a JDK that cannot be walked: its links stay unbound and the run says what it missed
            }
            return List.copyOf(found);
        });
    }

    static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (Exception notLinux) {
            return -1;
        }
    }

    /**
     * What the sandbox refused a run, from every line it printed (its own output, its stack traces,
     * the grader's FAIL lines) and from its network namespace's counter of packets with no route
     * (which sees attempts the code caught and hid). A file refusal names a path outside the run's
     * /tmp; a network refusal, a connection or name lookup that only fails because the run is cut off.
     */
    public static final class Watch {
        static final Pattern FILE_ERROR = Pattern.compile(
                "NoSuchFile|AccessDenied|FileNotFound|FileSystemException|NotDirectory|No such file or directory|Permission denied|Read-only file system|Operation not permitted");
        static final Pattern PATH = Pattern.compile("(?<![\\w.])(/[\\w.@+~=-]+(?:/[\\w.@+~=-]*)*)");
        static final Pattern ADDRESS = Pattern.compile("(?:[\\w.-]+/)?((?:\\d{1,3}\\.){3}\\d{1,3}|localhost)[:/ ](?:port )?(\\d{1,5})");
        /** A grader's FAIL line whose hint is a bare path: the message of a NoSuchFileException the check caught. */
        static final Pattern FAILED_ON_PATH = Pattern.compile("^FAIL  .*?: (/[^\\s:]+)$");
        static final Pattern UNKNOWN_HOST = Pattern.compile("UnknownHostException: ([\\w.-]+)");
        private final Set<String> refused = new LinkedHashSet<>();
        private final java.util.Map<String, Long> counters = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile String ipHeader;

        /** Looks at one line the run printed. */
        public void line(String line) {
            if (line.startsWith(MARK)) {
                counter(line.substring(MARK.length()));
                return;
            }
            Matcher failed = FAILED_ON_PATH.matcher(line);
            if (failed.find() && outside(failed.group(1))) add(failed.group(1) + ": a file outside the sandbox (not there)");
            if (FILE_ERROR.matcher(line).find()) {
                Matcher p = PATH.matcher(line);
                while (p.find()) {
                    String path = p.group(1);
                    if (outside(path)) {
                        add(path + ": a file outside the sandbox (" + why(line) + ")");
                        break;
                    }
                }
            }
            if (line.contains("Network is unreachable") || line.contains("NoRouteToHost") || line.contains("No route to host")) {
                Matcher a = ADDRESS.matcher(line);
                add("a connection out of the sandbox" + (a.find() ? " to " + a.group(1) + ":" + a.group(2) : "") + " (no route out)");
            }
            Matcher host = UNKNOWN_HOST.matcher(line);
            if (host.find() && !host.group(1).equals("localhost")) add("a name lookup of " + host.group(1) + " (no DNS in the sandbox)");
            if (line.contains("Connection refused")) {
                Matcher a = ADDRESS.matcher(line);
                add("a connection refused" + (a.find() ? " to " + a.group(1) + ":" + a.group(2) : "")
                        + " (the run has a loopback of its own: only the servers it started itself are there)");
            }
        }

        /** Outside the run's own writable /tmp (and /proc, which it may read). */
        private static boolean outside(String path) {
            return !path.equals("/tmp") && !path.startsWith("/tmp/") && !path.startsWith("/proc/");
        }

        private static String why(String line) {
            if (line.contains("Read-only file system")) return "read-only there";
            if (line.contains("AccessDenied") || line.contains("Permission denied") || line.contains("Operation not permitted")) return "permission denied";
            return "not there";
        }

        private synchronized void add(String what) {
            if (refused.size() < 10) refused.add(what);
        }

        /** "Ip: Forwarding DefaultTTL ..." then "Ip: 1 64 ...": a header, then its values; "Ip6OutNoRoutes 0". */
        private synchronized void counter(String text) {
            String[] cells = text.trim().split("\\s+");
            if (cells[0].equals("Ip6OutNoRoutes") && cells.length == 2) {
                counters.put("Ip6OutNoRoutes", Long.parseLong(cells[1])); // the last line is the shell's, printed after the JVM
            } else if (cells[0].equals("Ip:") && cells.length > 1 && !cells[1].matches("\\d+")) {
                ipHeader = text;
            } else if (cells[0].equals("Ip:") && ipHeader != null) {
                String[] names = ipHeader.trim().split("\\s+");
                for (int i = 1; i < Math.min(names.length, cells.length); i++) {
                    if (names[i].equals("OutNoRoutes")) counters.put("IpOutNoRoutes", Long.parseLong(cells[i]));
                }
                counters.put("seen", 1L);
            }
        }

        /**
         * What was refused; {@code whole} when the run ended by itself (the counters are printed after it).
         * Counters missing after a whole run mean the run stopped its sandbox's own shell.
         */
        public synchronized List<String> refused(boolean whole) {
            var all = new ArrayList<>(refused);
            long noRoute = counters.getOrDefault("IpOutNoRoutes", 0L) + counters.getOrDefault("Ip6OutNoRoutes", 0L);
            if (noRoute > 0 && all.stream().noneMatch(r -> r.contains("no route out"))) {
                all.add(noRoute + " attempt" + (noRoute == 1 ? "" : "s") + " to reach an address outside the sandbox (no route out)");
            }
            if (whole && !counters.containsKey("seen")) all.add("the sandbox's own shell was stopped by the run (its parent process)");
            return all;
        }
    }
}
