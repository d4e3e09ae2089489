package elkit.tests.notebooks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@link NotebooksRunTest} for the even-numbered notebooks: a class of its own, so the two test forks share the notebooks. */
class NotebooksRunEvenTest extends NotebooksRunTest {

    static List<Path> notebooks() throws IOException {
        return notebooksNumbered(0);
    }
}
