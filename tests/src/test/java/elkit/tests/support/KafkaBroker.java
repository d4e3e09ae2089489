package elkit.tests.support;

import elkit.local.LocalKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Kafka broker for every Kafka test class of the run: a broker takes several seconds to start,
 * so the classes share it, each test on its own topics. A test class asks for it with
 * {@code @ExtendWith(KafkaBroker.class)}; JUnit closes it (AutoCloseable in the root store) when
 * the whole run ends, before the JVM exits, so its data folder is deleted for sure.
 */
public final class KafkaBroker implements BeforeAllCallback {

    private static volatile LocalKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(LocalKafka.class, key -> LocalKafka.start(false), LocalKafka.class);
    }

    public static LocalKafka shared() {
        if (broker == null) throw new IllegalStateException("annotate the test class with @ExtendWith(KafkaBroker.class)");
        return broker;
    }
}
