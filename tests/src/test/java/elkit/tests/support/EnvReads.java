package elkit.tests.support;

import java.util.regex.Pattern;

/** How a script or helper reads an env var by name, as the contract tests find the variables in code. */
public final class EnvReads {
    private EnvReads() {}

    /** A variable read by name: Env.required/optional/get, System.getenv, or a contract map's get. */
    public static final Pattern READ = Pattern.compile(
            "(?:Env\\.(?:required|optional|get)|\\boptional|\\brequired|System\\.getenv|\\benv\\.(?:get|getOrDefault|containsKey))"
                    + "\\(\\s*(?:env,\\s*)?\"([A-Z][A-Z0-9_]*)\"");
}
