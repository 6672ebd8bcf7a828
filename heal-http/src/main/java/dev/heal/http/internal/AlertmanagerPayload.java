package dev.heal.http.internal;

import java.util.List;
import java.util.Map;

/**
 * Alertmanager's webhook payload, version 4, as validated by {@link AlertmanagerSchema}. Field
 * names are Alertmanager's. Immutable. Not API.
 *
 * @param version always "4"
 * @param groupKey the group's key, or null when absent
 * @param truncatedAlerts alerts Alertmanager left out (max_alerts), or null when absent
 * @param status "firing" or "resolved"
 * @param receiver the receiver's name, or null
 * @param groupLabels labels of the group
 * @param commonLabels labels every alert has
 * @param commonAnnotations annotations every alert has
 * @param externalURL Alertmanager's URL, or null
 * @param alerts the alerts, at least none, at most 1000
 */
public record AlertmanagerPayload(
    String version, String groupKey, Long truncatedAlerts, String status, String receiver,
    Map<String, String> groupLabels, Map<String, String> commonLabels, Map<String, String> commonAnnotations,
    String externalURL, List<Alert> alerts) {

  /**
   * One alert of a payload.
   *
   * @param status "firing" or "resolved"
   * @param labels the alert's labels, {@code alertname} among them
   * @param annotations the alert's annotations
   * @param startsAt RFC 3339 time the alert started
   * @param endsAt RFC 3339 end time, or null
   * @param generatorURL the rule's URL, or null
   * @param fingerprint Alertmanager's fingerprint of the labels, or null
   */
  public record Alert(
      String status, Map<String, String> labels, Map<String, String> annotations, String startsAt,
      String endsAt, String generatorURL, String fingerprint) {}
}
