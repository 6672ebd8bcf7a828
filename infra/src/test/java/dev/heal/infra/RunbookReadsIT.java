package dev.heal.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.time.HealClock;
import dev.heal.examples.orders.OrdersConfig;
import dev.heal.examples.orders.OrdersService;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: docs/operations.md's reads of heal's journal and {@code /health} details, run as written
 * (bash, curl, jq; only the port-forward's local port is replaced) against orders-service bound as
 * in the cluster, on {@code 0.0.0.0}, where those reads need the read token. With
 * {@code HEAL_READ_TOKEN} set as the runbook says, every command prints what it promises; without
 * it the journal is refused and {@code /health} shows no details, so the header is what makes them
 * work. The probe the runbook reads without a token answers without one.
 */
class RunbookReadsIT {
  private static final String READ_TOKEN = "runbook-read-token-0123456789abcdef";
  private static final Pattern TOKEN_READ = Pattern.compile(
      "curl -s -H \"Authorization: Bearer \\$HEAL_READ_TOKEN\" localhost:8081/\\S+ \\| jq (?:\\.|'[^']+')");

  @TempDir Path dir;
  private OrdersService orders;
  private int port;

  @BeforeEach
  void start() throws Exception {
    orders = OrdersService.start(OrdersConfig.fromEnv(Map.of(
        "ORDERS_HOST", "0.0.0.0", "ORDERS_PORT", "0", "ORDERS_MANAGEMENT_PORT", "0",
        "ORDERS_DB_URL", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "PAYMENTS_URL", "http://127.0.0.1:9",
        "HEAL_READ_TOKEN", READ_TOKEN + "\n")), HealClock.system());
    port = URI.create(orders.managementUrl()).getPort();
    await().atMost(Duration.ofSeconds(10)).until(orders::isReady);
  }

  @AfterEach
  void stop() {
    orders.close();
  }

  private static List<String> tokenReads() {
    Matcher m = TOKEN_READ.matcher(Infra.read(Infra.root().resolve("docs/operations.md")));
    List<String> commands = new ArrayList<>();
    while (m.find()) {
      commands.add(m.group());
    }
    return commands;
  }

  /** Runs one runbook command in bash with pipefail, the port-forward's port pointed at orders. */
  private ExternalTools.Result run(String command, String token) {
    Path bash = ExternalTools.debian("bash", "bash");
    ExternalTools.debian("curl", "curl");
    ExternalTools.debian("jq", "jq");
    String env = token == null ? "unset HEAL_READ_TOKEN\n" : "export HEAL_READ_TOKEN='" + token + "'\n";
    String script = "set -o pipefail\n" + env + command.replace("localhost:8081", "localhost:" + port).replace("<plan>", "payments-recovery");
    return ExternalTools.run(dir, bash.toString(), "-c", script);
  }

  @Test
  void everyJournalAndHealthReadOfTheRunbookWorksWithTheReadTokenAndOnlyWithIt() {
    List<String> commands = tokenReads();
    assertThat(commands).as("the runbook's token reads: first look (health, journal), HighErrorRate, HealEpisodeGaveUp")
        .hasSize(4);
    for (String command : commands) {
      String out = run(command, READ_TOKEN).assertSuccess(command).output();
      if (command.contains("/health |")) {
        assertThat(out).as(command).contains("\"checkThreads\"").contains("\"degradation\"");
        assertThat(run(command, null).assertSuccess(command).output()).as("%s without the token", command)
            .contains("\"status\"").doesNotContain("checkThreads");
      } else if (command.endsWith("jq .")) {
        assertThat(out).as(command).contains("\"episodes\"").contains("\"budgetRemaining\"");
        assertThat(run(command, null).assertSuccess(command).output()).as("%s without the token", command)
            .contains("\"status\": 401").doesNotContain("\"episodes\"");
      } else {
        // A filter over .episodes[]: on a refusal (no episodes array) jq fails, so pipefail says so.
        assertThat(run(command, "wrong-token-0123456789abcdef").exitCode()).as("%s with a wrong token", command)
            .isNotZero();
      }
    }
  }

  @Test
  void theProbeTheRunbookReadsWithoutATokenAnswers() {
    Matcher m = Pattern.compile("`(curl localhost:8081/readyz)`")
        .matcher(Infra.read(Infra.root().resolve("docs/operations.md")));
    assertThat(m.find()).as("docs/operations.md's ProbeNotReady step reads /readyz").isTrue();
    assertThat(run(m.group(1), null).assertSuccess(m.group(1)).output())
        .as("curl's progress meter, then the probe's body").matches("(?s).*\\{\"status\":\"(UP|DEGRADED)\"}");
  }
}
