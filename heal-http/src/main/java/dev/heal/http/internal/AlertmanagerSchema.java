package dev.heal.http.internal;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Validates a decoded body against Alertmanager's webhook schema, version 4, field by field: every
 * field Alertmanager sends must have its type (strings are strings, label and annotation maps map
 * strings to strings, {@code truncatedAlerts} is a whole number of at least 0, times are RFC 3339);
 * a wrong type, a null or a missing required field is an error naming the field. Unknown fields are
 * ignored (newer Alertmanagers may add some). Thread-safe. Not API.
 */
public final class AlertmanagerSchema {
  /** The most alerts one payload may carry. */
  public static final int MAX_ALERTS = 1000;

  private AlertmanagerSchema() {}

  /** A body that is not a valid Alertmanager webhook payload; the message says why. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses and validates {@code json} (already strictly decoded text). */
  public static AlertmanagerPayload parse(String json) throws Invalid {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new Invalid("malformed JSON: " + Echo.of(e.getOriginalMessage()));
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw new Invalid("body must be a JSON object (Alertmanager webhook payload)");
    }
    String version = string(root, "version", "version", true);
    if (!"4".equals(version)) {
      throw new Invalid("unsupported payload version '" + Echo.of(version) + "'; heal accepts version \"4\"");
    }
    String groupKey = string(root, "groupKey", "groupKey", false);
    Long truncated = null;
    JsonNode t = root.get("truncatedAlerts");
    if (t != null) {
      if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0) {
        throw new Invalid("field 'truncatedAlerts' must be a whole number of at least 0, was " + kind(t));
      }
      truncated = t.asLong();
    }
    String status = status(root, "status");
    String receiver = string(root, "receiver", "receiver", false);
    Map<String, String> groupLabels = strings(root, "groupLabels", "groupLabels", false);
    Map<String, String> commonLabels = strings(root, "commonLabels", "commonLabels", false);
    Map<String, String> commonAnnotations = strings(root, "commonAnnotations", "commonAnnotations", false);
    String externalUrl = string(root, "externalURL", "externalURL", false);
    JsonNode alerts = root.get("alerts");
    if (alerts == null || !alerts.isArray()) {
      throw new Invalid("field 'alerts' must be an array, was " + kind(alerts));
    }
    if (alerts.size() > MAX_ALERTS) {
      throw new Invalid("too many alerts in one payload: " + alerts.size() + " (at most " + MAX_ALERTS + ")");
    }
    List<AlertmanagerPayload.Alert> out = new ArrayList<>(alerts.size());
    for (int i = 0; i < alerts.size(); i++) {
      JsonNode a = alerts.get(i);
      String where = "alerts[" + i + "]";
      if (!a.isObject()) {
        throw new Invalid("field '" + where + "' must be an object, was " + kind(a));
      }
      String alertStatus = status(a, where + ".status");
      Map<String, String> labels = strings(a, "labels", where + ".labels", true);
      Map<String, String> annotations = strings(a, "annotations", where + ".annotations", false);
      String startsAt = time(a, "startsAt", where + ".startsAt", true);
      String endsAt = time(a, "endsAt", where + ".endsAt", false);
      String generatorUrl = string(a, "generatorURL", where + ".generatorURL", false);
      String fingerprint = string(a, "fingerprint", where + ".fingerprint", false);
      String alertname = labels.get("alertname");
      if (alertname == null || alertname.isBlank()) {
        throw new Invalid("field '" + where + ".labels.alertname' is missing or blank");
      }
      out.add(new AlertmanagerPayload.Alert(alertStatus, labels, annotations, startsAt, endsAt, generatorUrl,
          fingerprint));
    }
    return new AlertmanagerPayload(version, groupKey, truncated, status, receiver, groupLabels, commonLabels,
        commonAnnotations, externalUrl, List.copyOf(out));
  }

  private static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "missing";
    }
    return switch (v.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> v.isIntegralNumber() ? "the number " + Echo.of(v.asString()) : "a decimal number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String status(JsonNode node, String where) throws Invalid {
    String name = where.contains(".") ? where.substring(where.lastIndexOf('.') + 1) : where;
    JsonNode v = node.get(name);
    if (v == null || !v.isString() || !("firing".equals(v.asString()) || "resolved".equals(v.asString()))) {
      throw new Invalid("field '" + where + "' must be \"firing\" or \"resolved\", was "
          + (v != null && v.isString() ? "'" + Echo.of(v.asString()) + "'" : kind(v)));
    }
    return v.asString();
  }

  private static String string(JsonNode node, String field, String where, boolean required) throws Invalid {
    JsonNode v = node.get(field);
    if (v == null) {
      if (required) {
        throw new Invalid("field '" + where + "' is missing");
      }
      return null;
    }
    if (!v.isString()) {
      throw new Invalid("field '" + where + "' must be a string, was " + kind(v));
    }
    return v.asString();
  }

  private static String time(JsonNode node, String field, String where, boolean required) throws Invalid {
    String v = string(node, field, where, required);
    if (v == null) {
      return null;
    }
    try {
      OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw new Invalid("field '" + where + "' is not an RFC 3339 time: '" + Echo.of(v) + "'");
    }
    return v;
  }

  private static Map<String, String> strings(JsonNode node, String field, String where, boolean required)
      throws Invalid {
    JsonNode v = node.get(field);
    if (v == null) {
      if (required) {
        throw new Invalid("field '" + where + "' is missing");
      }
      return Map.of();
    }
    if (!v.isObject()) {
      throw new Invalid("field '" + where + "' must be an object of strings, was " + kind(v));
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isString()) {
        throw new Invalid("field '" + where + "." + Echo.of(e.getKey()) + "' must be a string, was "
            + kind(e.getValue()));
      }
      m.put(e.getKey(), e.getValue().asString());
    }
    return m;
  }
}
