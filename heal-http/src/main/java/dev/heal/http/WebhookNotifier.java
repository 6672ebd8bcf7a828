package dev.heal.http;

import dev.heal.core.internal.DaemonThreads;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.HealerListener;
import dev.heal.http.internal.EpisodeJson;
import dev.heal.http.internal.Json;
import dev.heal.core.healer.internal.TokenBucket;
import dev.heal.core.time.HealClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends healer events to a Slack incoming webhook ({@link #slack(URI)}) or any JSON webhook
 * ({@link #json(URI)}), asynchronously: the healer's thread only filters, deduplicates,
 * rate-limits and enqueues. One sender thread posts with a request timeout; a failure (connection
 * error, timeout, 429 or 5xx) is retried with doubling backoff up to the attempt limit; other 4xx
 * answers are not retried. A full queue drops the newest message. None of it ever blocks or breaks
 * healing: failures are counted ({@link #failures()}, {@link #dropped()}) and logged once per
 * failure streak.
 *
 * <p>The webhook URL is a secret: it is never logged, and neither are exception messages that
 * might contain it.
 *
 * <p>Thread-safe. Close it to stop its sender thread.
 */
public final class WebhookNotifier implements HealerListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

  private final String name;
  private final URI url;
  private final boolean slack;
  private final String service;
  private final Set<HealEvent.Type> types;
  private final HealClock clock;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration retryBackoff;
  private final Duration dedupWindow;
  private final TokenBucket rate;
  private final ThreadPoolExecutor sender;
  private final Map<String, Long> recent = new HashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong deduplicated = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private volatile boolean failing;
  private volatile boolean closed;

  private WebhookNotifier(Builder b) {
    this.name = b.slack ? "slack notifier" : "webhook notifier";
    this.url = b.url;
    this.slack = b.slack;
    this.service = b.service;
    this.types = Set.copyOf(b.types);
    this.clock = b.clock;
    this.requestTimeout = b.requestTimeout;
    this.maxAttempts = b.maxAttempts;
    this.retryBackoff = b.retryBackoff;
    this.dedupWindow = b.dedupWindow;
    this.rate = new TokenBucket(b.ratePerMinute, Duration.ofMinutes(1).toNanos(), clock.nanoTime());
    this.http = HttpClient.newBuilder().connectTimeout(b.requestTimeout).build();
    this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(b.queueSize), DaemonThreads.named("heal-notify"), new ThreadPoolExecutor.AbortPolicy());
  }

  /** A Slack incoming webhook ({@code https://hooks.slack.com/services/...}). */
  public static Builder slack(URI url) {
    return new Builder(url, true);
  }

  /** A generic webhook receiving heal's JSON (type, message, service, episode). */
  public static Builder json(URI url) {
    return new Builder(url, false);
  }

  @Override
  public void onEvent(HealEvent event) {
    if (closed || !types.contains(event.type())) {
      return;
    }
    long now = clock.nanoTime();
    String key = event.type() + "|" + event.episode().map(e -> e.target() + "|" + e.outcome().map(Enum::name).orElse(""))
        .orElse(event.message());
    synchronized (recent) {
      recent.values().removeIf(until -> until - now <= 0);
      if (recent.containsKey(key)) {
        deduplicated.incrementAndGet();
        return;
      }
      if (!rate.tryAcquire(now)) {
        rateLimited.incrementAndGet();
        return;
      }
      recent.put(key, now + dedupWindow.toNanos());
    }
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(slack ? slackPayload(event) : jsonPayload(event));
    } catch (Exception e) {
      failures.incrementAndGet();
      return;
    }
    submit(body, 1);
  }

  private void submit(byte[] body, int attempt) {
    if (closed) {
      return;
    }
    try {
      sender.execute(() -> send(body, attempt));
    } catch (RejectedExecutionException e) {
      dropped.incrementAndGet();
    }
  }

  private void send(byte[] body, int attempt) {
    String problem;
    boolean retry;
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).timeout(requestTimeout)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.discarding());
      int code = r.statusCode();
      if (code >= 200 && code < 300) {
        sent.incrementAndGet();
        if (failing) {
          failing = false;
          log.info("heal: {} delivers again", name);
        }
        return;
      }
      problem = "HTTP " + code;
      retry = code == 429 || code >= 500;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      problem = e.getClass().getSimpleName();
      retry = true;
    }
    failures.incrementAndGet();
    if (!failing) {
      failing = true;
      log.warn("heal: {} failed ({}); retrying up to {} attempts, healing is not affected", name, problem, maxAttempts);
    }
    if (retry && attempt < maxAttempts) {
      Duration delay = retryBackoff.multipliedBy(1L << Math.min(16, attempt - 1));
      clock.schedule(delay, () -> submit(body, attempt + 1));
    }
  }

  /** The generic webhook's body. */
  record JsonPayload(String service, String type, String message, String at,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      EpisodeJson episode) {}

  /** Slack's incoming-webhook body: the text, and the same text as one mrkdwn section block. */
  record SlackPayload(String text, List<SlackBlock> blocks) {}

  record SlackBlock(String type, SlackText text) {}

  record SlackText(String type, String text) {}

  private JsonPayload jsonPayload(HealEvent event) {
    return new JsonPayload(service, event.type().name(), event.message(), event.at().toString(),
        event.episode().map(EpisodeJson::of).orElse(null));
  }

  private SlackPayload slackPayload(HealEvent event) {
    StringBuilder text = new StringBuilder();
    Episode e = event.episode().orElse(null);
    String icon = switch (event.type()) {
      case EPISODE_CLOSED -> e != null && e.outcome().map(o -> o.isSuccess()).orElse(false) ? ":white_check_mark:" : ":rotating_light:";
      case BUDGET_EXHAUSTED -> ":no_entry:";
      default -> ":hammer_and_wrench:";
    };
    text.append(icon).append(" *").append(service).append("*: ").append(event.message());
    if (e != null) {
      text.append("\n• target: `").append(e.target()).append("` (plan ").append(e.plan()).append(")");
      text.append("\n• trigger: ").append(e.trigger().message());
      if (!e.steps().isEmpty()) {
        text.append("\n• done: ");
        for (int i = 0; i < e.steps().size(); i++) {
          var s = e.steps().get(i);
          text.append(i > 0 ? ", " : "").append(s.action()).append(" → ").append(s.status().map(Enum::name).orElse("running"));
        }
      }
      e.outcome().ifPresent(o -> text.append("\n• outcome: *").append(o).append("*"));
      e.timeToRecover().ifPresent(d -> text.append("\n• time to recover: ").append(d.toMillis() / 1000.0).append(" s"));
      if (e.dryRun()) {
        text.append("\n• _dry run: nothing was executed_");
      }
    }
    return new SlackPayload(text.toString(),
        List.of(new SlackBlock("section", new SlackText("mrkdwn", text.toString()))));
  }

  public long sent() {
    return sent.get();
  }

  public long failures() {
    return failures.get();
  }

  public long dropped() {
    return dropped.get();
  }

  public long deduplicated() {
    return deduplicated.get();
  }

  public long rateLimited() {
    return rateLimited.get();
  }

  @Override
  public void close() {
    closed = true;
    sender.shutdownNow();
  }

  @Override
  public String toString() {
    return name + " (url hidden)";
  }

  /** Builds a {@link WebhookNotifier}. Not thread-safe. */
  public static final class Builder {
    private final URI url;
    private final boolean slack;
    private String service = "service";
    private Set<HealEvent.Type> types = EnumSet.of(HealEvent.Type.EPISODE_CLOSED, HealEvent.Type.BUDGET_EXHAUSTED);
    private HealClock clock = HealClock.system();
    private Duration requestTimeout = Duration.ofSeconds(5);
    private int maxAttempts = 3;
    private Duration retryBackoff = Duration.ofSeconds(1);
    private Duration dedupWindow = Duration.ofMinutes(5);
    private int ratePerMinute = 20;
    private int queueSize = 100;

    private Builder(URI url, boolean slack) {
      this.url = Objects.requireNonNull(url, "url");
      String scheme = url.getScheme();
      if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("webhook url must be http or https (scheme was '" + scheme + "')");
      }
      this.slack = slack;
    }

    /** The service name shown in messages. */
    public Builder service(String service) {
      this.service = Objects.requireNonNull(service, "service");
      return this;
    }

    /** Which events to send. Default: EPISODE_CLOSED and BUDGET_EXHAUSTED. */
    public Builder events(HealEvent.Type first, HealEvent.Type... more) {
      this.types = EnumSet.of(first, more);
      return this;
    }

    public Builder clock(HealClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Connect and request timeout of one attempt. Default 5 s. */
    public Builder requestTimeout(Duration timeout) {
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("requestTimeout must be positive: " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** Attempts per message, including the first. Default 3. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** Delay before the first retry, doubled for each next one. Default 1 s. */
    public Builder retryBackoff(Duration backoff) {
      this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** The same event for the same target and outcome is sent once per window. Default 5 min. */
    public Builder dedupWindow(Duration window) {
      this.dedupWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /** At most this many messages per minute. Default 20. */
    public Builder ratePerMinute(int rate) {
      if (rate < 1) {
        throw new IllegalArgumentException("ratePerMinute must be at least 1: " + rate);
      }
      this.ratePerMinute = rate;
      return this;
    }

    /** Messages waiting to be sent before new ones are dropped. Default 100. */
    public Builder queueSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("queueSize must be at least 1: " + size);
      }
      this.queueSize = size;
      return this;
    }

    public WebhookNotifier build() {
      return new WebhookNotifier(this);
    }
  }
}
