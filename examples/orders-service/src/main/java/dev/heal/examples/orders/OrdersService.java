package dev.heal.examples.orders;

import com.sun.net.httpserver.HttpServer;
import dev.heal.core.degradation.DegradationLevel;
import dev.heal.core.degradation.Feature;
import dev.heal.core.degradation.Features;
import dev.heal.core.health.CheckKind;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthMetrics;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.SignalSink;
import dev.heal.core.healer.Actions;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.HealerMetrics;
import dev.heal.core.healer.HealerTracing;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Trigger;
import dev.heal.core.time.HealClock;
import dev.heal.http.AlertmanagerReceiver;
import dev.heal.http.EpisodesEndpoint;
import dev.heal.http.ProbeHandler;
import dev.heal.http.ProbeServer;
import dev.heal.http.WebhookNotifier;
import dev.heal.k8s.HealerEvents;
import dev.heal.k8s.KubernetesEnvironment;
import dev.heal.k8s.KubernetesEvents;
import dev.heal.k8s.KubernetesHealing;
import dev.heal.k8s.Leadership;
import dev.heal.resilience.Resilience;
import dev.heal.resilience.ResilienceConfig;
import dev.heal.resilience.ResilienceSignals;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * orders-service wired with heal everywhere a real team would put it: readiness checks for the
 * database and payments (liveness only for the process itself), recovery plans (reconnect the
 * pool, reset the HTTP client, drain and restart a component), a degradable feature switched off
 * under overload, Prometheus metrics, OpenTelemetry spans, the journal and the Alertmanager
 * receiver on the management port. Start with {@link #start(OrdersConfig, HealClock)}; close to
 * stop. Thread-safe.
 */
public final class OrdersService implements AutoCloseable {
  private final OrdersConfig config;
  private final HealClock clock;
  private final SwitchableDataSource db;
  private final OrderRepository repository;
  private final Outbox outbox = new Outbox(10_000);
  private final HttpPaymentsClient httpPayments;
  private final PaymentsClient payments;
  private final Resilience resilience;
  private final Settler settler;
  private final Features features = new Features();
  private final HealthRegistry health;
  private final Healer healer;
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpServer api;
  private final ExecutorService apiExecutor;
  private final ProbeServer probes;
  private final OrdersApi ordersApi;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Optional<HealerEvents> kubernetesEvents = Optional.empty();

  private OrdersService(OrdersConfig config, HealClock clock) throws IOException, SQLException {
    this.config = config;
    this.clock = clock;
    this.db = new SwitchableDataSource(config.dbUrl(), config.dbUser(), config.dbPassword());
    this.repository = new OrderRepository(db);
    createSchema(repository);
    this.httpPayments = new HttpPaymentsClient(config.paymentsUrl(), config.paymentsTimeout());
    Feature recommendations = features.define("recommendations", DegradationLevel.REDUCED);

    health = HealthRegistry.builder().clock(clock).build();
    // The healer is built after the policies it heals; signals reach it through this forwarder.
    AtomicReference<SignalSink> healerSink = new AtomicReference<>(SignalSink.NONE);
    try (InputStream yaml = OrdersService.class.getResourceAsStream("/resilience.yaml")) {
      resilience = Resilience.builder().clock(clock).signals(s -> healerSink.get().accept(s))
          .healthCheckInterval(Duration.ofMillis(250))
          .healthRegistry(health).meterRegistry(metrics).features(features::isEnabled)
          .config(ResilienceConfig.fromYaml(yaml)).build();
    }
    this.payments = config.heal() ? resilience.proxy(PaymentsClient.class, httpPayments) : httpPayments;
    this.settler = new Settler(clock, Duration.ofMillis(500), repository, outbox, payments);
    KubernetesEnvironment cluster = KubernetesEnvironment.detect();
    // Readiness follows this instance's ability to serve. The database and payments are shared by
    // every replica, so their checks are non-critical: DEGRADED keeps the pod in rotation (orders
    // are still accepted: queued or payment-pending) instead of taking the whole fleet out.
    health.register(HealthCheckConfig.builder("database").external(true).critical(false)
        .interval(Duration.ofMillis(500)).timeout(Duration.ofSeconds(1)).failureThreshold(2).build(), () -> {
          repository.ping();
          return HealthResult.up();
        });
    health.register(HealthCheckConfig.builder("payments").external(true).critical(false)
        .interval(Duration.ofMillis(500)).timeout(Duration.ofSeconds(1)).failureThreshold(2).build(),
        () -> httpPayments.ping() ? HealthResult.up() : HealthResult.down("payments-service does not answer /payments/ping"));
    AtomicInteger outboxSize = new AtomicInteger();
    health.register(HealthCheckConfig.builder("outbox").critical(true).interval(Duration.ofSeconds(1)).build(), () -> {
      outboxSize.set(outbox.size());
      return outbox.size() > 9_000 ? HealthResult.down("outbox nearly full: " + outbox.size())
          : outbox.size() > 0 ? HealthResult.degraded("orders waiting for the database: " + outbox.size()) : HealthResult.up();
    });
    health.register(HealthCheckConfig.builder("process").liveness().interval(Duration.ofSeconds(2)).build(),
        HealthResult::up);

    Optional<KubernetesHealing> kubernetes = kubernetes(cluster, clock);
    Healer.Builder hb = Healer.builder().clock(clock).health(health).features(features).dryRun(config.dryRun())
        .cooldown(Duration.ofSeconds(5))
        .plan(RecoveryPlan.when(Trigger.check("database").isDown()).named("database-recovery")
            .then(Action.run("reconnectPool", db::reconnect)).attempts(2).backoff(Duration.ofMillis(500))
            .verifyWithin(Duration.ofSeconds(3))
            // No drain here: the database is shared, draining every replica would be an outage.
            .escalateTo(Actions.restart("restartPool", db)).verifyWithin(Duration.ofSeconds(10))
            .build())
        .plan(RecoveryPlan.when(Trigger.check("outbox").isDown()).named("outbox-recovery")
            // The outbox is this instance's own: stop taking traffic while the settler restarts.
            .then(Actions.sequence("drainAndRestartSettler", Actions.drain(health), Actions.restart("settler", settler)))
            .verifyWithin(Duration.ofSeconds(30))
            // Last resort, in a cluster only: evict this pod (PodDisruptionBudgets apply).
            .escalateTo(kubernetes.<Action>map(KubernetesHealing::evictSelf).orElse(notInKubernetes("evictSelf", cluster)))
            .build())
        .plan(RecoveryPlan.when(Trigger.check("payments").isDown()).named("payments-recovery")
            .then(Action.run("resetPaymentsClient", httpPayments::reset)).verifyWithin(Duration.ofSeconds(5))
            .escalateTo(Actions.restart("settler", settler)).verifyWithin(config.paymentsRecoveryDeadline())
            .build())
        .plan(RecoveryPlan.when(Trigger.signal(ResilienceSignals.CIRCUIT_BREAKER, "payments")
                .forAtLeast(Duration.ofSeconds(10))).named("payments-circuit-open")
            .then(Action.run("resetPaymentsClient", httpPayments::reset)).verifyWithin(Duration.ofSeconds(30))
            .build())
        .plan(RecoveryPlan.when(Trigger.signal("overload")).named("brownout")
            .then(Actions.degrade(features, DegradationLevel.REDUCED)).verifyWithin(Duration.ofMinutes(10)).build())
        // One plan per alert that infra/alertmanager routes to heal (heal="true" in
        // infra/prometheus/rules/heal.rules.yml); RoutedAlertsHavePlansIT keeps the two lists equal.
        .plan(RecoveryPlan.when(Trigger.alert("alertname=HighErrorRate", "service=orders-service"))
            .named("alert-high-error-rate").target("orders-api")
            .then(Actions.sequence("resetConnections", Action.run("resetPaymentsClient", httpPayments::reset),
                Action.run("reconnectPool", db::reconnect)))
            .verifyWithin(Duration.ofMinutes(2)).build())
        // Slow answers: shed the optional work (recommendations) until the alert resolves.
        .plan(RecoveryPlan.when(Trigger.alert("alertname=HighLatencyP95", "service=orders-service"))
            .named("alert-high-latency").target("orders-latency")
            .then(Actions.degrade(features, DegradationLevel.REDUCED)).verifyWithin(Duration.ofMinutes(10)).build())
        // Pod-scoped: the alert names the unready pod in its `pod` label; whichever replica receives
        // it evicts that pod (PodDisruptionBudget and heal-k8s's disruption budget apply), never itself
        // by mistake and never another workload's pod (the label selector below).
        .plan(RecoveryPlan.when(Trigger.alert("alertname=ProbeNotReady", "service=orders-service"))
            .named("alert-probe-not-ready").target("orders-pods")
            .then(kubernetes.<Action>map(k -> k.evictPod(Map.of("app.kubernetes.io/name", "orders-service")))
                .orElse(notInKubernetes("evictPod", cluster)))
            .verifyWithin(Duration.ofMinutes(2)).build());
    healer = config.heal() ? hb.build() : null;
    if (healer != null) {
      healerSink.set(healer);
      healer.addListener(new HealerTracing(GlobalOpenTelemetry.get()));
      kubernetesEvents.ifPresent(e -> {
        healer.addListener(e);
        closeables.add(e);
      });
      config.slackWebhook().ifPresent(url -> {
        WebhookNotifier slack = WebhookNotifier.slack(url).service("orders-service").clock(clock).build();
        healer.addListener(slack);
        closeables.add(slack);
      });
    }

    new HealthMetrics(health).bindTo(metrics);
    if (healer != null) {
      new HealerMetrics(healer, features).bindTo(metrics);
    }
    Gauge.builder("orders.outbox.size", outbox, Outbox::size).register(metrics);

    DbGuard guard = config.heal() ? DbGuard.with(resilience.circuitBreaker("database").orElseThrow()) : DbGuard.direct();
    ordersApi = new OrdersApi(repository, outbox, payments, recommendations, clock, metrics, config.heal(), guard);
    apiExecutor = Executors.newFixedThreadPool(32, r -> {
      Thread t = new Thread(r, "orders-http");
      t.setDaemon(true);
      return t;
    });
    enableTcpNoDelay(); // before the first JDK HTTP server of the process
    api = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 1024);
    api.createContext("/orders", ordersApi);
    api.setExecutor(apiExecutor);

    ProbeHandler.Builder handler = ProbeHandler.builder(health).metrics(metrics::scrape)
        .healthSection("degradation", features::describe);
    config.readToken().ifPresent(handler::readToken);
    if (healer != null) {
      handler.route(EpisodesEndpoint.route(healer));
      config.alertToken().ifPresent(token -> handler.route(
          AlertmanagerReceiver.builder(healer).bearerToken(token).exposeAnnotations("summary").clock(clock).build()
              .route()));
    }
    health.start();
    settler.start();
    api.start();
    probes = ProbeServer.builder(handler).host(config.host()).port(config.managementPort()).start();
    if (healer != null) {
      scheduleOverloadWatch();
    }
  }

  /**
   * The pool fails a borrow after 500 ms (fast failure while serving); at startup the first
   * connection may take longer (a database still starting, a loaded node), so the schema gets a
   * few borrows before startup fails. The startup probe allows 2 minutes.
   */
  private static void createSchema(OrderRepository repository) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        repository.createSchema();
        return;
      } catch (SQLTransientConnectionException e) {
        if (attempt == SCHEMA_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static final int SCHEMA_ATTEMPTS = 20;

  private static Action notInKubernetes(String name, KubernetesEnvironment cluster) {
    return Action.of(name, ctx -> ActionResult.unavailable("not running in Kubernetes: "
        + cluster.unavailableReason().orElse("no cluster")));
  }

  /** Cluster actions when running in Kubernetes; the budget is shared through a ConfigMap. */
  private Optional<KubernetesHealing> kubernetes(KubernetesEnvironment env, HealClock clock) {
    if (!env.clusterActionsAvailable()) {
      return Optional.empty();
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    closeables.add(client);
    KubernetesEvents events = KubernetesEvents.builder().client(client).component("heal")
        .instance(env.podName().orElse("orders-service")).namespace(env.namespace().orElse("default")).clock(clock).build();
    kubernetesEvents = Optional.of(HealerEvents.onPod(events, env));
    // Each replica may evict only itself; the ConfigMap budget bounds the fleet.
    return Optional.of(KubernetesHealing.builder().client(client).environment(env).leadership(Leadership.always())
        .events(events).clock(clock).build());
  }

  /** Starts orders-service. */
  public static OrdersService start(OrdersConfig config, HealClock clock) throws IOException, SQLException {
    return new OrdersService(config, clock);
  }

  /**
   * The JDK server writes a response's headers and body in separate segments; without TCP_NODELAY
   * Nagle's algorithm holds the body until the client's delayed ACK (about 40 ms on Linux). The
   * JDK reads this property once, when its first HTTP server starts.
   */
  static void enableTcpNoDelay() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  public static void main(String[] args) throws Exception {
    OrdersService s = start(OrdersConfig.fromEnv(System.getenv()), HealClock.system());
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    System.out.println("orders-service on " + s.baseUrl() + " (heal on " + s.managementUrl() + ")");
    new CountDownLatch(1).await();
  }

  /** Raises heal's "overload" signal while 24 or more requests are in flight; resolves below 8. */
  private void scheduleOverloadWatch() {
    Runnable[] check = new Runnable[1];
    boolean[] raised = new boolean[1];
    check[0] = () -> {
      int n = ordersApi.inFlight();
      if (!raised[0] && n >= 24) {
        raised[0] = true;
        healer.raise("overload", n + " requests in flight");
      } else if (raised[0] && n < 8) {
        raised[0] = false;
        healer.resolve("overload", n + " requests in flight");
      }
      clock.schedule(Duration.ofMillis(250), check[0]);
    };
    clock.schedule(Duration.ofMillis(250), check[0]);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + api.getAddress().getPort();
  }

  public String managementUrl() {
    return probes.baseUrl();
  }

  public HealthRegistry health() {
    return health;
  }

  /** The healer, or null when started with {@code heal=false}. */
  public Healer healer() {
    return healer;
  }

  public Features features() {
    return features;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** Orders stored in the database. */
  public long storedOrders() throws SQLException {
    return repository.count();
  }

  /** Orders waiting in the outbox for the database. */
  public int queuedOrders() {
    return outbox.size();
  }

  /** Orders stored as PAYMENT_PENDING. */
  public int pendingPayments() throws SQLException {
    return repository.pending(10_000).size();
  }

  /** Runs one settle round now (tests and the demo's wind-down). */
  public void settleNow() {
    settler.runOnce();
  }

  /** The payments circuit breaker's state, or "off" without heal. */
  public String paymentsCircuit() {
    return config.heal() ? resilience.circuitBreaker("payments").map(cb -> cb.getState().name()).orElse("-") : "off";
  }

  /** The database circuit breaker's state, or "off" without heal. */
  public String databaseCircuit() {
    return config.heal() ? resilience.circuitBreaker("database").map(cb -> cb.getState().name()).orElse("-") : "off";
  }

  public boolean isReady() {
    return health.status(CheckKind.READINESS).isPassing();
  }

  @Override
  public void close() {
    api.stop(0);
    apiExecutor.shutdownNow();
    probes.close();
    settler.close();
    if (healer != null) {
      healer.close();
    }
    health.close();
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing best-effort
      }
    }
    db.close();
  }

  OrdersConfig config() {
    return config;
  }
}
