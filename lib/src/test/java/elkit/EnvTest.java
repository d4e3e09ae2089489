package elkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void aSetVariableIsReturned() {
        assertThat(Env.required(Map.of("PG_URL", "jdbc:postgresql://127.0.0.1/db"), "PG_URL", null))
                .isEqualTo("jdbc:postgresql://127.0.0.1/db");
    }

    @Test
    void aMissingVariableNamesItselfAndTheHint() {
        assertThatThrownBy(() -> Env.required(Map.of(), "PG_URL", "export PG_URL=jdbc:postgresql://host/db"))
                .isInstanceOf(Env.Missing.class)
                .hasMessage("environment variable PG_URL is not set (export PG_URL=jdbc:postgresql://host/db)");
    }

    @Test
    void aBlankVariableCountsAsMissing() {
        assertThatThrownBy(() -> Env.required(Map.of("API_TOKEN", "  "), "API_TOKEN", null))
                .hasMessage("environment variable API_TOKEN is not set");
        assertThat(Env.optional(Map.of("API_TOKEN", ""), "API_TOKEN")).isEmpty();
    }

    @Test
    void aSecretIsNeverShown() {
        assertThat(Env.masked("hunter2")).isEqualTo("****");
        assertThat(Env.masked(null)).isEqualTo("(not set)");
    }
}
