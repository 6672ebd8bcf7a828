package dev.heal.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrdersConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    OrdersConfig c = OrdersConfig.defaults();
    // examples/README.md and docs/operations.md state these; issue 16 found 800 documented for 300.
    assertThat(c.paymentsTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(c.paymentsRecoveryDeadline()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void paymentsRecoveryDeadlineIsReadInSeconds() {
    assertThat(OrdersConfig.fromEnv(Map.of("PAYMENTS_RECOVERY_DEADLINE_S", "3")).paymentsRecoveryDeadline())
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aZeroOrMalformedPaymentsRecoveryDeadlineIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> OrdersConfig.fromEnv(Map.of("PAYMENTS_RECOVERY_DEADLINE_S", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PAYMENTS_RECOVERY_DEADLINE_S must be at least 1, was '0'");
    assertThatThrownBy(() -> OrdersConfig.fromEnv(Map.of("PAYMENTS_RECOVERY_DEADLINE_S", "5m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PAYMENTS_RECOVERY_DEADLINE_S must be a non-negative whole number, was '5m'");
  }
}
