package elkit.tests;

import elkit.local.LocalKafka;

/**
 * One Kafka broker for every Kafka test class in this JVM: a broker takes several seconds to start,
 * so the classes share it (each test on its own topics) and it stops when the test JVM ends
 * (LocalKafka's own shutdown hook).
 */
final class KafkaBroker {
    private KafkaBroker() {}

    private static LocalKafka broker;

    static synchronized LocalKafka shared() {
        if (broker == null) broker = LocalKafka.start(false);
        return broker;
    }
}
