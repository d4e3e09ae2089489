package elkit.tests.tools;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.SandboxLines;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** ./jbang sandbox kafka: a real broker in the foreground with the lesson's topics, an export line that reaches it, gone after stop. */
class SandboxKafkaTest {

    @Test
    void sandboxKafkaPrintsAnExportLineThatWorksAndStopsOnTerminate() throws Exception {
        // its own java.io.tmpdir: test classes run two at a time, and another may start a broker meanwhile
        Path tmp = java.nio.file.Files.createTempDirectory("sandbox-kafka-test");
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "sandbox", "kafka");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var env = new LinkedHashMap<String, String>();
            var lines = new ArrayList<String>();
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
                var export = SandboxLines.EXPORT.matcher(line);
                if (export.matches()) env.put(export.group(1), export.group(2));
                if (line.equals("# Stop it with Ctrl-C.")) break;
            }
            assertThat(env).as(String.join("\n", lines)).containsOnlyKeys("KAFKA_BOOTSTRAP_SERVERS");
            String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
            assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");

            // the topic the lessons use is there: a message goes in and comes back
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("orders", "1001", "{\"order_id\": 1001}")).get(30, TimeUnit.SECONDS);
            }
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringDeserializer(), new StringDeserializer())) {
                var partition = new TopicPartition("orders", 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                var values = new ArrayList<String>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (values.isEmpty() && System.nanoTime() < deadline) consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                assertThat(values).containsExactly("{\"order_id\": 1001}");
                assertThat(consumer.partitionsFor("orders.DLT")).hasSize(1);
            }

            process.destroy(); // SIGTERM, what Ctrl-C's shutdown path runs too

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("sandbox ended").isTrue();
            int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
            assertThat(accepts(port)).as("the broker's port is closed").isFalse();
            try (var left = java.nio.file.Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("elkit-kafka-")))
                        .as("broker data folders left behind").isEmpty();
            }
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            elkit.Scratch.deleteQuietly(tmp);
        }
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
