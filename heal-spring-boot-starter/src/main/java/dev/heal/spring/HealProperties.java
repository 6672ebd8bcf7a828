package dev.heal.spring;

import dev.heal.core.health.CheckKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * heal's settings under {@code heal.*} in {@code application.yml}: guardrails, check defaults and
 * per-check settings, dry-run and plan switches, which Actuator indicators run in heal's
 * background, the {@code /actuator/heal} endpoint's write rule, and the AOP switch. Resilience
 * policies are not here: they are read from the standard {@code resilience4j.*} keys (and heal's
 * {@code heal.resilience.*}), exactly as heal-resilience's {@code ResilienceConfig} reads them.
 *
 * <p>A mutable JavaBean bound by Spring at startup; not thread-safe, read once when heal's beans
 * are built. Durations accept Spring's forms ({@code 10s}, {@code 500ms}, ISO-8601).
 */
@ConfigurationProperties(prefix = "heal")
public class HealProperties {
  /** Whether heal's auto-configuration is on at all. */
  private boolean enabled = true;
  /** Dry-run for the whole healer: every decision journaled and notified, no action executed. */
  private boolean dryRun;
  /** Quiet time per target after an episode ends. */
  private Duration cooldown = Duration.ofSeconds(60);
  /** An episode still open after this ends as TIMED_OUT. */
  private Duration maxEpisodeDuration = Duration.ofMinutes(15);
  /** Episodes kept in memory (open ones are never dropped). */
  private int journalSize = 200;
  private final Budget budget = new Budget();
  private final Check checkDefaults = new Check();
  /** Settings of individual health checks, by check (bean) name; unset keys take check-defaults. */
  private final Map<String, Check> checks = new LinkedHashMap<>();
  /** Runtime switches of individual recovery plans at startup, by plan name. */
  private final Map<String, Plan> plans = new LinkedHashMap<>();
  private final Actuator actuator = new Actuator();
  private final Endpoint endpoint = new Endpoint();
  private final Aop aop = new Aop();
  private final Intake intake = new Intake();
  private final Observations observations = new Observations();
  private final Kubernetes kubernetes = new Kubernetes();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isDryRun() {
    return dryRun;
  }

  public void setDryRun(boolean dryRun) {
    this.dryRun = dryRun;
  }

  public Duration getCooldown() {
    return cooldown;
  }

  public void setCooldown(Duration cooldown) {
    this.cooldown = cooldown;
  }

  public Duration getMaxEpisodeDuration() {
    return maxEpisodeDuration;
  }

  public void setMaxEpisodeDuration(Duration maxEpisodeDuration) {
    this.maxEpisodeDuration = maxEpisodeDuration;
  }

  public int getJournalSize() {
    return journalSize;
  }

  public void setJournalSize(int journalSize) {
    this.journalSize = journalSize;
  }

  public Budget getBudget() {
    return budget;
  }

  public Check getCheckDefaults() {
    return checkDefaults;
  }

  public Map<String, Check> getChecks() {
    return checks;
  }

  public Map<String, Plan> getPlans() {
    return plans;
  }

  public Actuator getActuator() {
    return actuator;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  public Aop getAop() {
    return aop;
  }

  public Intake getIntake() {
    return intake;
  }

  public Observations getObservations() {
    return observations;
  }

  public Kubernetes getKubernetes() {
    return kubernetes;
  }

  /** The global action budget: at most {@code actions} per {@code window}, refilled continuously. */
  public static class Budget {
    /** Actions allowed per window. */
    private int actions = 10;
    /** The window over which the budget refills completely. */
    private Duration window = Duration.ofMinutes(10);

    public int getActions() {
      return actions;
    }

    public void setActions(int actions) {
      this.actions = actions;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }
  }

  /** One health check's schedule and thresholds (Kubernetes probe semantics); null means "the default". */
  public static class Check {
    /** Probes the check feeds; default readiness. */
    private List<CheckKind> kinds = new ArrayList<>();
    /** Time between the end of one run and the start of the next. Default 10 s. */
    private Duration interval;
    /** A run still going after this is DOWN (timed out), counted from its start. Default 2 s. */
    private Duration timeout;
    /** Consecutive failures before the check is DOWN. Default 3. */
    private Integer failureThreshold;
    /** Consecutive successes before the check is UP again. Default 1. */
    private Integer successThreshold;
    /** Whether a DOWN of this check fails its probes. Default true. */
    private Boolean critical;

    public List<CheckKind> getKinds() {
      return kinds;
    }

    public void setKinds(List<CheckKind> kinds) {
      this.kinds = kinds;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Integer getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(Integer failureThreshold) {
      this.failureThreshold = failureThreshold;
    }

    public Integer getSuccessThreshold() {
      return successThreshold;
    }

    public void setSuccessThreshold(Integer successThreshold) {
      this.successThreshold = successThreshold;
    }

    public Boolean getCritical() {
      return critical;
    }

    public void setCritical(Boolean critical) {
      this.critical = critical;
    }
  }

  /** A recovery plan's switches at startup (changed at runtime through {@code /actuator/heal}). */
  public static class Plan {
    /** Whether the plan acts; false disables it from startup. */
    private boolean enabled = true;
    /** Whether the plan's actions are dry runs. */
    private boolean dryRun;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isDryRun() {
      return dryRun;
    }

    public void setDryRun(boolean dryRun) {
      this.dryRun = dryRun;
    }
  }

  /** Actuator integration. */
  public static class Actuator {
    /**
     * Runs every Actuator health indicator as a heal background check, so /actuator/health answers
     * from cached results and never blocks on a slow indicator.
     */
    private boolean backgroundAll;
    /**
     * Indicators run in heal's background even when background-all is off, by Actuator contributor
     * name ({@code db}) or path ({@code db/primary}): a composite's name takes all its leaves, each
     * a heal check named by its path with '.' for '/' ({@code db.primary}, configured under
     * {@code heal.checks.[db.primary]} over the composite's {@code heal.checks.db}).
     */
    private List<String> background = new ArrayList<>();
    /** Settings of the background checks made from indicators; per indicator under {@code heal.checks.<name>}. */
    private final Check indicatorDefaults = new Check();

    public boolean isBackgroundAll() {
      return backgroundAll;
    }

    public void setBackgroundAll(boolean backgroundAll) {
      this.backgroundAll = backgroundAll;
    }

    public List<String> getBackground() {
      return background;
    }

    public void setBackground(List<String> background) {
      this.background = background;
    }

    public Check getIndicatorDefaults() {
      return indicatorDefaults;
    }
  }

  /** The {@code /actuator/heal} endpoint. */
  public static class Endpoint {
    /**
     * Allows the write operations when Spring Security is not on the class path. Off: writes answer
     * 403 on an endpoint nobody secures.
     */
    private boolean allowUnsecuredWrites;

    public boolean isAllowUnsecuredWrites() {
      return allowUnsecuredWrites;
    }

    public void setAllowUnsecuredWrites(boolean allowUnsecuredWrites) {
      this.allowUnsecuredWrites = allowUnsecuredWrites;
    }
  }

  /** heal's annotations on Spring beans. */
  public static class Aop {
    /** Applies heal-resilience's annotations to Spring beans (classes) through Spring AOP. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The Alertmanager intake: {@code POST /heal/alerts} on the management port (needs heal-http). */
  public static class Intake {
    /**
     * Bearer token Alertmanager sends (at least 16 characters); the intake is off without one. Put
     * it in a Secret, e.g. {@code heal.intake.token: ${HEAL_ALERT_TOKEN}}.
     */
    private String token;
    /** Largest webhook body accepted, in bytes. */
    private int maxBodyBytes = 256 * 1024;

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }

    public int getMaxBodyBytes() {
      return maxBodyBytes;
    }

    public void setMaxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
    }
  }

  /** heal's episodes as Micrometer Observations, when the application has an ObservationRegistry. */
  public static class Observations {
    /**
     * Reports each episode ({@code heal.episode}) and step attempt ({@code heal.step}) as an
     * Observation on the application's ObservationRegistry.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** heal-k8s, when it is on the class path and the application runs in Kubernetes. */
  public static class Kubernetes {
    /** Whether heal-k8s is configured at all (pod environment, Events for every healer decision). */
    private boolean enabled = true;
    private final Healing healing = new Healing();
    /**
     * Who may run cluster actions: {@code lease} (a Lease-based leader election among the replicas,
     * the safe default) or {@code always} (every replica acts: only for a service with exactly one
     * replica, since with more each one would restart or scale the others at once).
     */
    private LeadershipMode leadership = LeadershipMode.LEASE;
    private final Lease lease = new Lease();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Healing getHealing() {
      return healing;
    }

    public LeadershipMode getLeadership() {
      return leadership;
    }

    public void setLeadership(LeadershipMode leadership) {
      this.leadership = leadership;
    }

    public Lease getLease() {
      return lease;
    }
  }

  /** The choices of {@code heal.kubernetes.leadership}. */
  public enum LeadershipMode {
    /** A Lease-based leader election ({@code KubernetesLeaderElection}): one replica acts at a time. */
    LEASE,
    /** Every replica is the leader ({@code Leadership.always()}): only with one replica. */
    ALWAYS
  }

  /** Cluster actions ({@code KubernetesHealing}: restart or evict a pod, rollout-restart, scale). */
  public static class Healing {
    /** Configures KubernetesHealing (cluster actions for plans) and its leadership. Off by default. */
    private boolean enabled;
    /** Allows cordoning nodes (needs cluster-scoped RBAC). */
    private boolean allowCordon;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isAllowCordon() {
      return allowCordon;
    }

    public void setAllowCordon(boolean allowCordon) {
      this.allowCordon = allowCordon;
    }
  }

  /** The Lease of {@code heal.kubernetes.leadership=lease}, in the pod's namespace. */
  public static class Lease {
    /** The Lease's name, shared by all replicas of one service. */
    private String name = "heal-leader";
    /** How long a lease is valid without renewal. */
    private Duration duration = Duration.ofSeconds(15);
    /** How long the leader keeps trying to renew before it steps down; shorter than duration. */
    private Duration renewDeadline = Duration.ofSeconds(10);
    /** How often to try to acquire or renew; with 20 % jitter shorter than renew-deadline. */
    private Duration retryPeriod = Duration.ofSeconds(2);

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Duration getDuration() {
      return duration;
    }

    public void setDuration(Duration duration) {
      this.duration = duration;
    }

    public Duration getRenewDeadline() {
      return renewDeadline;
    }

    public void setRenewDeadline(Duration renewDeadline) {
      this.renewDeadline = renewDeadline;
    }

    public Duration getRetryPeriod() {
      return retryPeriod;
    }

    public void setRetryPeriod(Duration retryPeriod) {
      this.retryPeriod = retryPeriod;
    }
  }
}
