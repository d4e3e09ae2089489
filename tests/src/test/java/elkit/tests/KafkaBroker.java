package elkit.tests;

import elkit.local.LocalKafka;

/**
 * One Kafka broker for every Kafka test class in this JVM: a broker takes several seconds to start,
 * so the classes share it (each test on its own topics) and it stops when the test JVM ends.
 */
final class KafkaBroker {
    private KafkaBroker() {}

    private static LocalKafka broker;

    static synchronized LocalKafka shared() {
        if (broker == null) {
            broker = LocalKafka.start(false);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "stop the shared Kafka broker"));
        }
        return broker;
    }
}
