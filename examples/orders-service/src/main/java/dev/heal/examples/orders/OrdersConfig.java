package dev.heal.examples.orders;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * orders-service settings, from environment variables (see {@link #fromEnv(Map)}). Immutable.
 *
 * @param host interface to bind
 * @param port API port (0 = any)
 * @param managementPort heal's probe/metrics/journal port (0 = any)
 * @param dbUrl JDBC URL; default an in-memory H2 database
 * @param dbUser database user
 * @param dbPassword database password
 * @param paymentsUrl payments-service base URL
 * @param paymentsTimeout request timeout for one payment call
 * @param paymentsRecoveryDeadline how long the payments-recovery plan waits for payments-service to
 *     answer again after its last step before it gives up (GAVE_UP: HealEpisodeGaveUp pages a human)
 * @param alertToken bearer token for the Alertmanager receiver; empty = receiver off
 * @param readToken bearer token for reading {@code /heal/episodes} and {@code /health} details;
 *     empty = those reads are open only when {@code host} is a loopback address
 * @param slackWebhook Slack incoming webhook; empty = no Slack notifications
 * @param dryRun heal's dry-run mode
 * @param heal whether heal's healer and plans run (false: the same service without healing)
 */
public record OrdersConfig(String host, int port, int managementPort, String dbUrl, String dbUser, String dbPassword,
    URI paymentsUrl, Duration paymentsTimeout, Duration paymentsRecoveryDeadline, Optional<String> alertToken, Optional<String> readToken, Optional<URI> slackWebhook, boolean dryRun,
    boolean heal) {

  public static OrdersConfig defaults() {
    return fromEnv(Map.of());
  }

  /**
   * Reads {@code ORDERS_HOST}, {@code ORDERS_PORT} (8080), {@code ORDERS_MANAGEMENT_PORT} (8081),
   * {@code ORDERS_DB_URL}, {@code ORDERS_DB_USER}, {@code ORDERS_DB_PASSWORD}, {@code PAYMENTS_URL}
   * (http://localhost:8090), {@code PAYMENTS_TIMEOUT_MS} (300), {@code PAYMENTS_RECOVERY_DEADLINE_S} (300),
   * {@code HEAL_ALERT_TOKEN}, {@code HEAL_READ_TOKEN},
   * {@code SLACK_WEBHOOK_URL}, {@code HEAL_DRY_RUN}, {@code HEAL_ENABLED} (true).
   *
   * @throws IllegalArgumentException naming the variable that is malformed
   */
  public static OrdersConfig fromEnv(Map<String, String> env) {
    return new OrdersConfig(
        env.getOrDefault("ORDERS_HOST", "0.0.0.0"),
        port(env, "ORDERS_PORT", 8080),
        port(env, "ORDERS_MANAGEMENT_PORT", 8081),
        env.getOrDefault("ORDERS_DB_URL", "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1"),
        env.getOrDefault("ORDERS_DB_USER", "sa"),
        env.getOrDefault("ORDERS_DB_PASSWORD", ""),
        uri(env, "PAYMENTS_URL", "http://localhost:8090"),
        Duration.ofMillis(port(env, "PAYMENTS_TIMEOUT_MS", 300)),
        Duration.ofSeconds(positive(env, "PAYMENTS_RECOVERY_DEADLINE_S", 300)),
        Optional.ofNullable(env.get("HEAL_ALERT_TOKEN")).filter(s -> !s.isBlank()),
        Optional.ofNullable(env.get("HEAL_READ_TOKEN")).filter(s -> !s.isBlank()),
        Optional.ofNullable(env.get("SLACK_WEBHOOK_URL")).filter(s -> !s.isBlank()).map(URI::create),
        Boolean.parseBoolean(env.getOrDefault("HEAL_DRY_RUN", "false")),
        Boolean.parseBoolean(env.getOrDefault("HEAL_ENABLED", "true")));
  }

  /** These settings bound to {@code host} (e.g. {@code 127.0.0.1} for a local run or a test). */
  public OrdersConfig withHost(String host) {
    return new OrdersConfig(host, port, managementPort, dbUrl, dbUser, dbPassword, paymentsUrl, paymentsTimeout,
        paymentsRecoveryDeadline, alertToken, readToken, slackWebhook, dryRun, heal);
  }

  public OrdersConfig withPorts(int port, int managementPort) {
    return new OrdersConfig(host, port, managementPort, dbUrl, dbUser, dbPassword, paymentsUrl, paymentsTimeout,
        paymentsRecoveryDeadline, alertToken, readToken, slackWebhook, dryRun, heal);
  }

  public OrdersConfig withPayments(URI url) {
    return new OrdersConfig(host, port, managementPort, dbUrl, dbUser, dbPassword, url, paymentsTimeout,
        paymentsRecoveryDeadline, alertToken, readToken, slackWebhook, dryRun, heal);
  }

  public OrdersConfig withDatabase(String url, String user, String password) {
    return new OrdersConfig(host, port, managementPort, url, user, password, paymentsUrl, paymentsTimeout,
        paymentsRecoveryDeadline, alertToken, readToken, slackWebhook, dryRun, heal);
  }

  public OrdersConfig withAlertToken(String token) {
    return new OrdersConfig(host, port, managementPort, dbUrl, dbUser, dbPassword, paymentsUrl, paymentsTimeout,
        paymentsRecoveryDeadline, Optional.of(token), readToken, slackWebhook, dryRun, heal);
  }

  public OrdersConfig withPaymentsRecoveryDeadline(Duration deadline) {
    return new OrdersConfig(host, port, managementPort, dbUrl, dbUser, dbPassword, paymentsUrl, paymentsTimeout,
        deadline, alertToken, readToken, slackWebhook, dryRun, heal);
  }

  public OrdersConfig withHeal(boolean enabled) {
    return new OrdersConfig(host, port, managementPort, dbUrl, dbUser, dbPassword, paymentsUrl, paymentsTimeout,
        paymentsRecoveryDeadline, alertToken, readToken, slackWebhook, dryRun, enabled);
  }

  private static int port(Map<String, String> env, String name, int def) {
    String v = env.get(name);
    if (v == null) {
      return def;
    }
    try {
      int p = Integer.parseInt(v.trim());
      if (p < 0) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a non-negative whole number, was '" + v + "'");
    }
  }

  private static int positive(Map<String, String> env, String name, int def) {
    int v = port(env, name, def);
    if (v == 0) {
      throw new IllegalArgumentException(name + " must be at least 1, was '" + env.get(name) + "'");
    }
    return v;
  }

  private static URI uri(Map<String, String> env, String name, String def) {
    String v = env.getOrDefault(name, def);
    try {
      URI u = URI.create(v);
      if (u.getScheme() == null || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " must be an absolute http(s) URL, was '" + v + "'");
    }
  }
}
