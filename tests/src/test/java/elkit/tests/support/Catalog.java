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

    /** The lessons: a description that starts with a section number ("3. APIs: ...") or "Bonus:", as tour picks them. */
    public static List<String> aliasesThatAreLessons() throws Exception {
        var names = new ArrayList<String>();
        aliases().fields().forEachRemaining(alias -> {
            if (alias.getValue().path("description").asText().matches("(?s)^(\\d+\\.\\s|Bonus:).*")) names.add(alias.getKey());
        });
        return names;
    }
}
