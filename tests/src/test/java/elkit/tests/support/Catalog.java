package elkit.tests.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** jbang-catalog.json's aliases, as the tests read them. */
public final class Catalog {
    private Catalog() {}

    public static JsonNode aliases() throws Exception {
        return new ObjectMapper().readTree(Repo.path("jbang-catalog.json").toFile()).get("aliases");
    }

    /** The lessons, as tour and doctor --prefetch pick them (elkit.Lab.Alias.isLesson). */
    public static List<String> aliasesThatAreLessons() throws Exception {
        var names = new ArrayList<String>();
        // where the script is says what it is (CONTRIBUTING.md, "Layout"): a lesson sits at the top of scripts/
        // and is not a benchmark; its description can be reworded freely
        aliases().fields().forEachRemaining(alias -> {
            if (alias.getValue().path("script-ref").asText().matches("scripts/[^/]+\\.java") && !alias.getKey().startsWith("bench-")) {
                names.add(alias.getKey());
            }
        });
        return names;
    }
}
