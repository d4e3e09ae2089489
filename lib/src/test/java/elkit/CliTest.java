package elkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliTest {

    @Test
    void oneLineJoinsTheRootCauseAndFoldsLineBreaks() {
        var e = new IllegalStateException("cannot load orders.csv",
                new IOException("line 3:\n  unclosed quote"));
        assertThat(Cli.oneLine(e)).isEqualTo("cannot load orders.csv: line 3: unclosed quote");
    }

    @Test
    void oneLineDoesNotRepeatACauseAlreadyInTheMessage() {
        var cause = new SQLException("connection refused");
        var e = new RuntimeException("connection refused", cause);
        assertThat(Cli.oneLine(e)).isEqualTo("connection refused");
    }

    @Test
    void anExceptionWithoutMessageIsNamedByItsType() {
        assertThat(Cli.oneLine(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Test
    void secretValuesFromTheEnvironmentAreMasked() {
        var env = Map.of("PG_PASSWORD", "s3cret!", "API_TOKEN", "tok-123", "PG_USER", "alice");
        assertThat(Cli.hideSecrets("auth failed for alice with s3cret! and tok-123", env))
                .isEqualTo("auth failed for alice with **** and ****");
    }

    @Test
    void failKeepsItsExitCodeAndFormatsItsMessage() {
        var failure = Cli.fail(2, "SQL Server needs %s", "MSSQL_URL");
        assertThat(failure.exitCode()).isEqualTo(2);
        assertThat(failure).hasMessage("SQL Server needs MSSQL_URL");
        assertThat(Cli.fail("x").exitCode()).isEqualTo(1);
    }

    @Test
    void aRefusedConnectionWithoutAMessageIsSaidInWords() {
        var refused = new java.io.IOException(null, new java.net.ConnectException());
        refused.getCause().initCause(new java.nio.channels.ClosedChannelException());

        assertThat(Cli.reason(new java.net.ConnectException())).isEqualTo("connection refused (nothing listens there)");
        assertThat(Cli.reason(refused)).isEqualTo("connection refused (nothing listens there)");
        var failure = Cli.fail(refused, "GET %s failed: %s", "http://127.0.0.1:1", Cli.reason(refused));
        assertThat(failure).hasMessage("GET http://127.0.0.1:1 failed: connection refused (nothing listens there)").hasCause(refused);
    }
}
