package elkit.tests.lessons.files;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In a POSIX locale (LANG=C), JDK 17 prints "Zoë" as "Zo?"; lessons print UTF-8, as Python 3 does. */
class Utf8OutputTest {

    @TempDir
    Path dir;

    @Test
    void aLessonPrintsUtf8EvenInThePosixLocale() {
        var posix = new HashMap<String, String>();
        posix.put("LANG", "C");
        posix.put("LC_ALL", "C");

        var run = ScriptRun.run("files-xml", dir, posix,
                Repo.path("chapters/05-extract-load/data/files/customers.xml").toString(), dir.resolve("out.xml").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("103: Zoë Müller - zoe@example.com");
    }
}
