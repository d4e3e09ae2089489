//DEPS dev.failsafe:failsafe:3.3.2
//DEPS dev.failsafe:failsafe-okhttp:3.3.2
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
// failsafe-okhttp asks for OkHttp 4.9.3; naming OkHttp 5's okhttp artifact keeps 4.9.3 off the classpath
// (its jar is empty for Maven: the classes come from okhttp-jvm)
//DEPS com.squareup.okhttp3:okhttp:5.5.1
package elkit;

import dev.failsafe.ExecutionContext;
import dev.failsafe.Fallback;
import dev.failsafe.TimeoutExceededException;
import dev.failsafe.event.ExecutionAttemptedEvent;
import dev.failsafe.event.ExecutionScheduledEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The few lines that Failsafe's {@code RetryPolicy} needs to act like urllib3's {@code Retry} on OkHttp:
 * reading {@code Retry-After}, the rule for which methods may be repeated, a log line per retry, and
 * an error that names the status and the attempts once the retries run out. The policy itself is built
 * in the lesson, with Failsafe's own builder.
 */
public final class Retries {
    private Retries() {}

    /** The header that marks a POST as safe to repeat: the server applies a repeated key once. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The longest {@code Retry-After} the lessons wait for; a longer one gives up at once. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(120);

    private static final Duration NO_DELAY_OF_ITS_OWN = Duration.ofMillis(-1);

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

    /**
     * urllib3's {@code allowed_methods}: a request that may be sent twice without harm. GET, HEAD, PUT,
     * DELETE, OPTIONS and TRACE are; a POST or PATCH only when it carries an {@code Idempotency-Key}.
     */
    public static boolean isIdempotent(Request request) {
        return IDEMPOTENT.contains(request.method()) || request.header(IDEMPOTENCY_KEY) != null;
    }

    /**
     * The server's {@code Retry-After}: delay-seconds or an HTTP date. Null when absent or unreadable.
     * A date in the past is zero.
     */
    public static Duration retryAfter(Response response) {
        String value = response.header("Retry-After");
        if (value == null || value.isBlank()) return null;
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            var date = response.headers().getDate("Retry-After");
            if (date == null) return null;
            Duration left = Duration.between(Instant.now(), date.toInstant());
            return left.isNegative() ? Duration.ZERO : left;
        }
    }

    /**
     * For {@code withDelayFn}: the last answer's {@code Retry-After}, rounded up to whole seconds as the
     * header means them. When there is none it is negative, which tells Failsafe to wait the backoff.
     */
    public static Duration retryAfterHeader(ExecutionContext<Response> context) {
        Response last = context.getLastResult();
        Duration wait = last == null ? null : retryAfter(last);
        if (wait == null) return NO_DELAY_OF_ITS_OWN;
        long millis = wait.toMillis();
        return Duration.ofSeconds((millis + 999) / 1000);
    }

    /**
     * For {@code handleIf}: a connection that broke on the way, worth another try. Not a refused
     * connection (nobody listens there, and a backoff of seconds will not change that) and not a
     * timeout (the bound is the bound). Failsafe does not show the request here, so a POST without an
     * {@link #IDEMPOTENCY_KEY} should not be sent through a session with this rule.
     */
    public static boolean isDroppedConnection(Throwable failure) {
        return failure instanceof IOException && !(failure instanceof java.net.ConnectException)
                && !(failure instanceof InterruptedIOException) && !(failure instanceof java.net.UnknownHostException);
    }

    /** For {@code abortIf}: the server asks to wait longer than {@link #MAX_RETRY_AFTER}; better to stop now. */
    public static boolean asksToWaitTooLong(Response response) {
        Duration wait = response == null ? null : retryAfter(response);
        return wait != null && wait.compareTo(MAX_RETRY_AFTER) > 0;
    }

    /** For {@code onRetryScheduled}: "retry 1/3 in 2 s: GET http://... answered 503 Service Unavailable". */
    public static String describe(ExecutionScheduledEvent<Response> event, int maxRetries) {
        Response last = event.getLastResult();
        String why;
        boolean told = false;
        if (last != null) {
            why = what(last.request()) + " answered " + last.code() + Http.reason(last);
            told = retryAfter(last) != null;
        } else {
            why = describe(event.getLastException());
        }
        return String.format("retry %d/%d in %s%s: %s", event.getAttemptCount(), maxRetries,
                Http.seconds(event.getDelay()), told ? " (Retry-After)" : "", why);
    }

    /**
     * A Failsafe {@code Fallback} that turns what is left after the last retry into one clear
     * {@link IOException}: an answer with one of {@code statuses} (retried or not, and why not), a
     * failed connection, or Failsafe's {@code Timeout} of the whole call. Compose it outermost:
     * {@code FailsafeCall.with(raiseWhenExhausted(...), timeout, retryPolicy)}.
     */
    public static Fallback<Response> raiseWhenExhausted(Set<Integer> statuses) {
        return Fallback.<Response>builderOfException(event -> exhausted(event))
                .handleIf((response, failure) -> failure != null || statuses.contains(response.code()))
                .build();
    }

    private static Exception exhausted(ExecutionAttemptedEvent<? extends Response> event) {
        int attempts = event.getAttemptCount();
        String after = attempts == 1 ? "" : " after " + attempts + " attempts";
        Throwable failure = event.getLastException();
        if (failure instanceof TimeoutExceededException timeout) {
            var e = new InterruptedIOException("no complete answer within "
                    + Http.seconds(timeout.getTimeout().getConfig().getTimeout()) + " (the whole call, retries included)");
            return e;
        }
        if (failure instanceof IOException io) {
            return attempts == 1 ? io : new IOException(describe(io) + after, io);
        }
        if (failure instanceof Exception other) return other;
        if (failure != null) return new IOException(String.valueOf(failure), failure);

        Response response = event.getLastResult();
        Request request = response.request();
        String answer = what(request) + " failed: " + response.code() + Http.reason(response);
        Duration retryAfter = retryAfter(response);
        response.close();
        if (!isIdempotent(request)) {
            return new Http.StatusException(answer + " (not retried: a " + request.method() + " without an "
                    + IDEMPOTENCY_KEY + " may already have been applied)", response.code(), request.url().toString());
        }
        if (retryAfter != null && retryAfter.compareTo(MAX_RETRY_AFTER) > 0) {
            return new Http.StatusException(answer + after + ", and the server asks to retry after "
                    + Http.seconds(retryAfter) + ", longer than this client waits (" + Http.seconds(MAX_RETRY_AFTER) + ")",
                    response.code(), request.url().toString());
        }
        return new Http.StatusException(answer + after, response.code(), request.url().toString());
    }

    private static String what(Request request) {
        return request.method() + " " + request.url();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
