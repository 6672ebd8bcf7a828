package dev.heal.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the README's first command in short form, in real time, on free ports. */
class QuickstartIT {
  @Test
  void breaksTheDatabaseAndHealsIt() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code = QuickstartMain.run(new String[] {"--seconds", "6", "--break-after", "1", "--probe-port", "0", "--app-port", "0"},
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    assertThat(out).contains("chaos: database connections are now stale")
        .contains("database-recovery target=database outcome=RECOVERED actions=[reconnectPool]")
        .contains("VERDICT: healed");
  }
}
