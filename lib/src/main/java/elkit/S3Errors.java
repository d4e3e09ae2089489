// A helper file's own dependencies, read by JBang through //SOURCES:
//DEPS software.amazon.awssdk:s3:2.57.8
package elkit;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What boto3 prints for free: "An error occurred (NoSuchBucket) when calling the PutObject
 * operation". The Java SDK's exception does not name the call, so this interceptor remembers the
 * last call that failed (operation, bucket, key) and {@link #explain} turns the exception into one
 * line for {@link Cli}: the call, s3://bucket/key, the endpoint and the service's own reason.
 */
public final class S3Errors implements ExecutionInterceptor {

    private final String endpoint;
    private final Map<Throwable, String> failedCalls = Collections.synchronizedMap(new IdentityHashMap<>());
    private volatile String lastFailedCall;
    private volatile String lastStartedCall; // for a failure after the call itself, as in a multipart download

    /** {@code endpoint}: what to name in a message (the URL the user gave, or "AWS"). */
    public S3Errors(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        lastStartedCall = (operation == null ? "S3 call" : operation) + " " + target(context.request());
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        lastFailedCall = (operation == null ? "S3 call" : operation) + " " + target(context.request());
        failedCalls.put(context.exception(), lastFailedCall);
    }

    /** One line for a failed S3 call: the call, the object, the endpoint, the reason. */
    public Cli.Failure explain(Throwable thrown) {
        Throwable e = thrown;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof Cli.Failure failure) return failure;
        String call = null;
        for (Throwable t = e; t != null && call == null; t = t.getCause() == t ? null : t.getCause()) {
            call = failedCalls.get(t);
        }
        if (call == null) call = lastFailedCall != null ? lastFailedCall : lastStartedCall;
        var failure = Cli.fail("%s at %s failed: %s", call != null ? call : "an S3 call", endpoint, reason(e));
        failure.initCause(thrown); // for --verbose
        return failure;
    }

    /** The service's error code and message, or for a network failure the root cause. */
    public static String reason(Throwable e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            var details = service.awsErrorDetails();
            String code = details.errorCode();
            String text = (code == null || code.isBlank() ? "" : code + ": ")
                    + (details.errorMessage() == null ? "" : details.errorMessage())
                    + " (HTTP " + service.statusCode() + ")";
            if ("SignatureDoesNotMatch".equals(code)) text += "; check AWS_SECRET_ACCESS_KEY";
            if ("InvalidAccessKeyId".equals(code)) text += "; check AWS_ACCESS_KEY_ID";
            return text;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (e instanceof SdkException && root != e && !(root instanceof SdkException)) {
            return "cannot complete the request: " + message;
        }
        return message;
    }

    private static String target(SdkRequest request) {
        String bucket = request.getValueForField("Bucket", String.class).orElse(null);
        String key = request.getValueForField("Key", String.class).orElse(null);
        if (bucket == null) return "";
        return "s3://" + bucket + (key == null ? "" : "/" + key);
    }
}
