package elkit.tests.support;

import java.util.regex.Pattern;

/** The lines {@code ./jbang sandbox} prints, as the sandbox tests read them. */
public final class SandboxLines {
    private SandboxLines() {}

    /** An export line: the variable's name and its value. */
    public static final Pattern EXPORT = Pattern.compile("export (\\w+)='(.*)'");
}
