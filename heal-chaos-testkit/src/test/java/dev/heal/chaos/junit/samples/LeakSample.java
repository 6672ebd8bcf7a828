package dev.heal.chaos.junit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.Fault;
import dev.heal.chaos.TcpChaosProxy;
import dev.heal.chaos.junit.ChaosTest;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;

/** Run only through EngineTestKit: the first test leaks nothing into the second, even though it fails. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class LeakSample {
  static ChaosController first;
  static TcpChaosProxy proxy;
  static Supplier<String> wrapped;

  @ChaosTest(verifyEffects = false)
  @Order(1)
  void armsFaultsOpensAProxyAndFails(ChaosController chaos) {
    first = chaos;
    wrapped = chaos.supplier("db", () -> "row");
    chaos.arm(Fault.error("db"));
    chaos.arm(Fault.latency("cache", java.time.Duration.ofSeconds(1)));
    proxy = chaos.tcpProxy("upstream", new InetSocketAddress("127.0.0.1", 9));
    throw new IllegalStateException("boom");
  }

  @ChaosTest
  @Order(2)
  void seesNothingOfTheFirstTest(ChaosController chaos) {
    assertThat(first).isNotSameAs(chaos);
    assertThat(first.isClosed()).isTrue();
    assertThat(first.armedFaults()).isEmpty();
    assertThat(proxy.isClosed()).isTrue();
    assertThat(wrapped.get()).isEqualTo("row");
    assertThat(chaos.armedFaults()).isEmpty();
  }
}
