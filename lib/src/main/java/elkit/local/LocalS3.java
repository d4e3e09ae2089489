// A helper file's own dependencies, read by JBang through //SOURCES:
//DEPS org.gaul:s3proxy:3.1.0
//DEPS com.google.guava:guava:33.5.0-jre
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
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
        // S3Proxy brings logback, which logs DEBUG to the console: keep the lesson's output its own
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.nop.NOPServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
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
