package dev.heal.http.internal;

import dev.heal.core.health.HealthRegistry;
import dev.heal.core.healer.SignalSink;
import dev.heal.core.internal.ReferenceCatalog;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.http.AlertmanagerReceiver;
import dev.heal.http.ProbeHandler;
import dev.heal.http.ProbeServer;
import dev.heal.http.WebhookNotifier;
import java.net.URI;
import java.util.List;

/**
 * heal-http's configuration, for {@code docs/reference.md} (see {@link ReferenceCatalog}); it
 * registers no meters. Defaults not written here are read from a fresh builder. Not API.
 */
public final class HttpReference implements ReferenceCatalog {
  private static final String CLOCK = "`HealClock.system()`";

  @Override
  public String module() {
    return "heal-http";
  }

  private static HealthRegistry registry() {
    return HealthRegistry.builder().executor(new InlineExecutorService()).build();
  }

  @Override
  public List<Builder> builders() {
    return List.of(
        Builder.of("Probe handler", ProbeHandler.Builder.class, "ProbeHandler.builder(registry)",
                () -> ProbeHandler.builder(registry()))
            .set("showDetails", "`false` (`true` on `ProbeServer`)", "")
            .set("readToken", "none", "", "Grants reads (`GET /heal/*`, `/health` details) as `Authorization: Bearer <token>`; trimmed, at least 16 characters.")
            .set("anonymousReads", "`false` (on `ProbeServer`: `true` only on a loopback bind)", "")
            .field("healthFormat", "")
            .set("metrics", "none (no `/metrics`)", "")
            .set("route", "none", "")
            .set("healthSection", "none", ""),
        Builder.of("Probe server", ProbeServer.Builder.class, "ProbeServer.builder(registry or handler)",
                () -> ProbeServer.builder(registry()))
            .field("host", "")
            .field("port", "TCP port")
            .field("ioThreads", "threads")
            .field("workerThreads", "threads")
            .field("workerQueue", "requests")
            .field("backlog", "connections")
            .field("maxConnections", "connections")
            .field("maxHeaderBytes", "bytes")
            .field("headerTimeout", "")
            .field("bodyTimeout", "")
            .field("idleTimeout", "")
            .field("shutdownGrace", ""),
        Builder.of("Alertmanager receiver", AlertmanagerReceiver.Builder.class, "AlertmanagerReceiver.builder(sink)",
                () -> AlertmanagerReceiver.builder(SignalSink.NONE))
            .set("bearerToken", "— (required, or `bearerTokenFile`)", "")
            .set("bearerTokenFile", "none", "", "Reads the token from a file, trimmed as Alertmanager trims its `credentials_file`.")
            .field("maxBodyBytes", "bytes")
            .field("path", "")
            .set("exposeAnnotations", "none", "", "Annotations copied into the signal's message, episodes and logs.")
            .set("clock", CLOCK, "", "The clock for alert timestamps."),
        Builder.of("Webhook and Slack notifier", WebhookNotifier.Builder.class,
                "WebhookNotifier.slack(url) / WebhookNotifier.json(url)",
                () -> WebhookNotifier.json(URI.create("http://localhost/")))
            .field("service", "")
            .set("events", "`EPISODE_CLOSED`, `BUDGET_EXHAUSTED`", "")
            .set("clock", CLOCK, "", "The clock for deduplication and rate limiting.")
            .field("requestTimeout", "")
            .field("maxAttempts", "attempts")
            .field("retryBackoff", "")
            .field("dedupWindow", "")
            .field("ratePerMinute", "messages per minute")
            .field("queueSize", "messages"));
  }
}
