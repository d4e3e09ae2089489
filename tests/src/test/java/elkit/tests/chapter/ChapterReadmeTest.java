package elkit.tests.chapter;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chapter README carries the chapter's own prose (issue 20, item 10): the "Use case" column of the
 * six categories, all sixteen best-practice bullets in their four groups, and the seven Key Takeaways;
 * and every link it gives to a lesson's page section leads to a file and a heading that exist.
 */
class ChapterReadmeTest {

    static final String README = "chapters/05-extract-load/README.md";

    @Test
    void theSixCategoriesTableHasTheChaptersUseCaseColumn() {
        String text = Repo.read(README);

        assertThat(text).contains("| Category | Purpose | Use case |");
        for (String row : List.of("| **Database drivers** | Direct database connections | Query and fetch data |",
                "| **Cloud SDKs** | Cloud service integration | Cloud storage operations |",
                "| **APIs** | HTTP-based data access | Third-party data sources |",
                "| **File formats** | Reading and writing files | Local/remote file processing |",
                "| **SFTP/FTP** | Secure file transfer | External data distribution |",
                "| **Queuing systems** | Stream data handling | Real-time data pipelines |")) {
            assertThat(text).contains(row);
        }
    }

    @Test
    void allSixteenBestPracticesAndTheSevenKeyTakeawaysAreThereInTheChaptersOrder() {
        String text = Repo.read(README);
        String practices = text.substring(text.indexOf("## Best practices"), text.indexOf("## Key Takeaways"));
        String takeaways = text.substring(text.indexOf("## Key Takeaways"), text.indexOf("## JShell"));

        assertThat(bold(practices)).containsExactly(
                "Use context managers", "Connection pooling", "Handle errors gracefully", "Set timeouts",
                "Never hardcode credentials", "Parameterized queries", "HTTPS for APIs", "Rotate API keys",
                "Batch operations", "Pagination", "Compression", "Parallel processing",
                "Retry with backoff", "Log failures", "Validate data", "Monitor rate limits");
        assertThat(practices).contains("### Connection management", "### Security", "### Performance", "### Error handling");
        assertThat(bold(takeaways)).containsExactly("Python connects everything", "Six main categories",
                "requests for APIs", "boto3 for AWS", "Context managers", "Security matters", "Handle errors");
    }

    @Test
    void everyLinkLeadsToAFileAndAHeadingThatExist() throws Exception {
        String text = Repo.read(README);
        var problems = new ArrayList<String>();
        var links = Pattern.compile("\\]\\(([^)#\\s]*)(?:#([^)\\s]+))?\\)").matcher(text);
        int anchors = 0;
        while (links.find()) {
            String file = links.group(1), anchor = links.group(2);
            if (file.startsWith("http")) continue;
            Path target = file.isEmpty() ? Repo.path(README) : Repo.path(README).getParent().resolve(file).normalize();
            if (!Files.exists(target)) {
                problems.add(links.group() + ": " + file + " does not exist");
                continue;
            }
            if (anchor == null) continue;
            anchors++;
            var headings = Files.readAllLines(target).stream().filter(l -> l.matches("#{1,6} .*"))
                    .map(ChapterReadmeTest::slug).toList();
            if (!headings.contains(anchor)) problems.add(links.group() + ": no heading #" + anchor + " in " + file);
        }
        assertThat(problems).isEmpty();
        assertThat(anchors).as("links to page sections").isGreaterThanOrEqualTo(20);
    }

    /** The bold titles that start the numbered items: "1. **Title** - ...". */
    static List<String> bold(String section) {
        var titles = new ArrayList<String>();
        var item = Pattern.compile("(?m)^\\d+\\. \\*\\*(.+?)\\*\\*").matcher(section);
        while (item.find()) titles.add(item.group(1));
        return titles;
    }

    /** A heading's anchor as GitHub makes it: lower case, punctuation dropped, each space a hyphen. */
    static String slug(String heading) {
        String title = heading.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT);
        return title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
