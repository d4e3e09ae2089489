package elkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A script's command line, once for all scripts: its usage, {@code --help}/{@code -h} (usage,
 * arguments, options and the env vars it reads, from {@link EnvContract}; exit 0), and one line with
 * exit 2 for an option it does not know, before the script does anything (no file, no upload, no
 * server named after a typo). The script reads its own options with {@link #flag} and {@link #value}.
 * <pre>
 *   static final Options OPTIONS = Options.usage("queue-kafka [all|produce|consume]")
 *           .argument("all|produce|consume", "which half of the pipeline to run (default: all)")
 *           .option("--topic NAME", "the topic (default: orders)")
 *           .env("Kafka");
 *   public static void main(String[] args) { Cli.run(args, OPTIONS.around(queue_kafka::lesson)); }
 * </pre>
 * Helper files: {@link Cli}, {@link EnvContract}.
 */
public final class Options {
    private final String synopsis;
    private final List<String[]> arguments = new ArrayList<>();
    private final List<String[]> options = new ArrayList<>();
    private final List<String> env = new ArrayList<>();

    private Options(String synopsis) {
        this.synopsis = synopsis;
    }

    /** {@code synopsis}: the script's name and its arguments, {@code db-sqlite [database-file]}. */
    public static Options usage(String synopsis) {
        return new Options(synopsis);
    }

    /** A positional argument and what it means (its default too). */
    public Options argument(String name, String meaning) {
        arguments.add(new String[] {name, meaning});
        return this;
    }

    /** An option: {@code --live} (a flag) or {@code --topic NAME} (it takes a value). */
    public Options option(String spec, String meaning) {
        options.add(new String[] {spec, meaning});
        return this;
    }

    /** The env vars it reads: a system of the contract ("PostgreSQL") or one variable ("ELKIT_WORK"). */
    public Options env(String... systemsOrVariables) {
        for (String name : systemsOrVariables) {
            boolean system = EnvContract.systems().stream().anyMatch(s -> s.name().equals(name));
            if (system) {
                env.addAll(EnvContract.system(name).names());
            } else {
                env.add(EnvContract.variable(name).orElseThrow(() ->
                        new IllegalArgumentException(name + " is neither a system nor a variable of the env-var contract")).name());
            }
        }
        return this;
    }

    /** The lesson, behind the check of its command line: {@code --help} prints the usage instead of running it. */
    public Cli.Lesson around(Cli.Lesson lesson) {
        return args -> {
            if (check(args)) lesson.run(args);
        };
    }

    /** True when the script may run; false after printing the help; a {@link Cli.Failure} (exit 2) for an unknown option. */
    boolean check(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) break; // what follows is an argument, even with a leading dash
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.print(help());
                return false;
            }
            if (!arg.startsWith("-") || arg.equals("-") || arg.matches("-\\d.*")) continue;
            String[] known = options.stream().filter(o -> o[0].split(" ")[0].equals(arg)).findFirst().orElse(null);
            if (known == null) {
                throw Cli.fail(2, "unknown option %s; usage: %s (--help says more)", arg, line());
            }
            if (known[0].contains(" ")) {
                if (i + 1 >= args.size()) throw Cli.fail(2, "%s needs a value; usage: %s", arg, line());
                i++;
            }
        }
        return true;
    }

    /** {@code db-sqlite [database-file] [--verbose]}: the one-line usage of an error line. */
    public String line() {
        var line = new StringBuilder(synopsis);
        for (var option : options) line.append(" [").append(option[0]).append(']');
        return line.append(" [--verbose]").toString();
    }

    /** The whole help: usage, arguments, options, env vars. */
    public String help() {
        var text = new StringBuilder("usage: ").append(line()).append('\n');
        if (!arguments.isEmpty()) {
            text.append("\nArguments:\n");
            arguments.forEach(a -> text.append(row(a[0], a[1])));
        }
        text.append("\nOptions:\n");
        options.forEach(o -> text.append(row(o[0], o[1])));
        text.append(row("--verbose", "on an error, the stack trace as well"));
        text.append(row("-h, --help", "this help"));
        if (!env.isEmpty()) {
            text.append("\nEnvironment (the env-var contract; a secret is never printed):\n");
            for (String name : env) {
                var v = EnvContract.variable(name).orElseThrow();
                text.append(row(v.name(), v.meaning() + (v.secret() ? " (secret)" : "")));
            }
        }
        return text.toString();
    }

    private static String row(String name, String meaning) {
        return String.format("  %-32s %s%n", name, meaning);
    }

    /** Removes the flag {@code name} from {@code args}: whether it was there. */
    public static boolean flag(List<String> args, String name) {
        return args.remove(name);
    }

    /** Removes {@code name VALUE} from {@code args}: the value, or {@code fallback} when it is absent. */
    public static String value(List<String> args, String name, String fallback) {
        int at = args.indexOf(name);
        if (at < 0) return fallback;
        if (at + 1 >= args.size()) throw Cli.fail(2, "%s needs a value", name);
        String value = args.get(at + 1);
        args.subList(at, at + 2).clear();
        return value;
    }
}
