package elkit.tests.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Catalog;
import elkit.tests.support.Repo;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** jbang-catalog.json: one alias per script, named like the script, each with a description. */
class CatalogTest {

    @Test
    void everyScriptHasAnAliasOfTheSameName() throws Exception {
        var aliases = Catalog.aliases();
        var scripts = new TreeSet<String>();
        Repo.scripts().forEach(s -> scripts.add(Repo.scriptName(s)));

        var names = new TreeSet<String>();
        aliases.fieldNames().forEachRemaining(names::add);

        assertThat(names).isEqualTo(scripts);
    }

    @Test
    void everyAliasPointsAtItsScriptAndDescribesIt() throws Exception {
        var problems = new ArrayList<String>();
        Catalog.aliases().fields().forEachRemaining(alias -> {
            String ref = alias.getValue().path("script-ref").asText();
            if (!ref.equals("scripts/" + alias.getKey() + ".java") && !ref.equals("scripts/tools/" + alias.getKey() + ".java")) {
                problems.add(alias.getKey() + ": script-ref " + ref);
            }
            if (!Files.isRegularFile(Repo.path(ref))) problems.add(alias.getKey() + ": no file " + ref);
            if (alias.getValue().path("description").asText().isBlank()) problems.add(alias.getKey() + ": no description");
        });
        assertThat(problems).isEmpty();
    }
}
