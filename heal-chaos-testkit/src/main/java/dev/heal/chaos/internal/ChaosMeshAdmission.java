package dev.heal.chaos.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Chaos Mesh's admission webhook rules (release v2.8.3, {@code api/v1alpha1/*_webhook.go}),
 * re-implemented for the kinds heal exports or ships: what the CRD schema lets through but the
 * webhook rejects. The exporter checks every document with it before handing it out, and the tests
 * check the exporter's output and {@code infra/chaos-mesh/*.yaml} with it. Not API. Stateless and
 * thread-safe.
 *
 * <p>Rules, by source file: {@code common_webhook.go} (a selector's {@code value} for modes {@code
 * fixed}, {@code fixed-percent}, {@code random-max-percent}; Go durations; float strings), {@code
 * networkchaos_webhook.go} (rate units; {@code from}/{@code both} need a {@code target} and no
 * {@code externalTargets} unless the action is {@code partition}), {@code httpchaos_webhook.go}
 * (port, target, method, delay), {@code podchaos_webhook.go} (container-kill names containers),
 * {@code schedule_webhook.go} (cron, the embedded chaos), {@code workflow_webhook.go} (entry,
 * template names and types, children, no duration inside a workflow's chaos).
 *
 * <p>A wrongly typed field (an object or array where Chaos Mesh wants a scalar) is read as its JSON
 * text and so reported like any other bad value, never thrown: Jackson 3's {@code asString()} throws
 * on containers.
 */
public final class ChaosMeshAdmission {
  private static final Pattern GO_DURATION =
      Pattern.compile("[-+]?(0|((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+)");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final List<String> RATE_UNITS =
      List.of("kbit", "mbit", "gbit", "tbit", "tbps", "gbps", "mbps", "kbps", "bps", "bit");
  private static final Map<String, String> EMBEDDED = Map.of("NetworkChaos", "networkChaos", "PodChaos", "podChaos",
      "HTTPChaos", "httpChaos", "StressChaos", "stressChaos", "IOChaos", "ioChaos", "TimeChaos", "timeChaos",
      "DNSChaos", "dnsChaos", "JVMChaos", "jvmChaos", "KernelChaos", "kernelChaos");
  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT");

  private ChaosMeshAdmission() {}

  /** What the webhook would reject in {@code doc} (a whole resource); empty when it admits it. */
  public static List<String> problems(JsonNode doc) {
    List<String> out = new ArrayList<>();
    String kind = text(doc.path("kind"));
    JsonNode spec = doc.path("spec");
    switch (kind) {
      case "Schedule" -> schedule(spec, out);
      case "Workflow" -> workflow(spec, out);
      default -> chaos(kind, spec, "spec", out);
    }
    return out;
  }

  private static void chaos(String kind, JsonNode spec, String path, List<String> out) {
    selector(spec, path, out);
    duration(spec.path("duration"), path + ".duration", out);
    switch (kind) {
      case "NetworkChaos" -> network(spec, path, out);
      case "HTTPChaos" -> http(spec, path, out);
      case "PodChaos" -> {
        if (text(spec.path("action")).equals("container-kill") && spec.path("containerNames").isEmpty()) {
          out.add(path + ".containerNames: the name of container is required on container-kill action");
        }
      }
      default -> { }
    }
  }

  /** common_webhook.go, PodSelector.Validate. */
  private static void selector(JsonNode s, String path, List<String> out) {
    String mode = text(s.path("mode"));
    String value = text(s.path("value"));
    switch (mode) {
      case "fixed" -> {
        Integer n = integer(value);
        if (n == null) {
          out.add(path + ".value: parse value field error: '" + value + "' is not an integer (mode fixed)");
        } else if (n <= 0) {
          out.add(path + ".value: value must be greater than 0 with mode:fixed");
        }
      }
      case "fixed-percent", "random-max-percent" -> {
        Integer n = integer(value);
        if (n == null) {
          out.add(path + ".value: parse value field error: '" + value + "' is not an integer (mode " + mode + ")");
        } else if (n <= 0 || n > 100) {
          out.add(path + ".value: value of " + n + " is invalid, Must be (0,100] with mode:" + mode);
        }
      }
      default -> { }
    }
  }

  /** networkchaos_webhook.go: Rate, NetworkChaosSpec.Validate; common_webhook.go: Duration, FloatStr. */
  private static void network(JsonNode spec, String path, List<String> out) {
    String action = text(spec.path("action"));
    JsonNode target = spec.path("target");
    if (!target.isMissingNode() && !target.isNull()) {
      selector(target, path + ".target", out);
    }
    duration(spec.at("/delay/latency"), path + ".delay.latency", out);
    duration(spec.at("/delay/jitter"), path + ".delay.jitter", out);
    for (String f : List.of("/delay/correlation", "/loss/loss", "/loss/correlation", "/duplicate/duplicate",
        "/duplicate/correlation", "/corrupt/corrupt", "/corrupt/correlation", "/delay/reorder/reorder",
        "/delay/reorder/correlation")) {
      floatStr(spec.at(f), path + f.replace('/', '.'), out);
    }
    JsonNode rate = spec.at("/bandwidth/rate");
    if (!rate.isMissingNode() && !validRate(text(rate))) {
      out.add(path + ".bandwidth.rate: parse rate field error: '" + text(rate) + "' (units: "
          + String.join(", ", RATE_UNITS) + ")");
    }
    if (action.equals("partition")) {
      return;
    }
    String direction = text(spec.path("direction"), "to");
    boolean fromOrBoth = direction.equals("from") || direction.equals("both");
    if (fromOrBoth && spec.has("externalTargets") && !spec.get("externalTargets").isNull()) {
      out.add(path + ".direction: external targets cannot be used with `from` and `both` direction in netem action yet");
    }
    if (fromOrBoth && (target.isMissingNode() || target.isNull())) {
      out.add(path + ".direction: `from` and `both` direction cannot be used when targets is empty in netem action");
    }
  }

  /** httpchaos_webhook.go: Port, PodHttpChaosTarget, HTTPMethod, Delay. */
  private static void http(JsonNode spec, String path, List<String> out) {
    if (spec.path("port").asLong(0) <= 0) {
      out.add(path + ".port: port " + spec.path("port").asLong(0) + " is not supported");
    }
    String target = text(spec.path("target"));
    if (!target.equals("Request") && !target.equals("Response")) {
      out.add(path + ".target: target " + target + " is not supported");
    }
    if (target.equals("Request") && spec.has("method") && !HTTP_METHODS.contains(text(spec.get("method")))) {
      out.add(path + ".method: method " + text(spec.get("method")) + " is not supported");
    }
    JsonNode delay = spec.path("delay");
    if (!delay.isMissingNode() && !GO_DURATION.matcher(text(delay)).matches()) {
      out.add(path + ".delay: invalid duration " + text(delay));
    }
  }

  /** schedule_webhook.go: the cron schedule and the embedded chaos. */
  private static void schedule(JsonNode spec, List<String> out) {
    String cron = text(spec.path("schedule"));
    if (!cron.startsWith("@") && cron.trim().split("\\s+").length != 5) {
      out.add("spec.schedule: parse schedule field error: expected exactly 5 fields, found "
          + (cron.isBlank() ? 0 : cron.trim().split("\\s+").length) + ": [" + cron + "]");
    }
    String type = text(spec.path("type"));
    if (!type.equals("Workflow")) {
      String field = EMBEDDED.get(type);
      if (field == null || !spec.has(field)) {
        out.add("spec: the value of chaos " + type + " is required");
      } else {
        chaos(type, spec.get(field), "spec." + field, out);
      }
    }
  }

  /** workflow_webhook.go: entryMustExists, validateTemplates, validateTemplate. */
  private static void workflow(JsonNode spec, List<String> out) {
    String entry = text(spec.path("entry"));
    JsonNode templates = spec.path("templates");
    Set<String> names = new HashSet<>();
    Set<String> duplicated = new java.util.TreeSet<>();
    for (JsonNode t : templates) {
      if (!names.add(text(t.path("name")))) {
        duplicated.add(text(t.path("name")));
      }
    }
    if (entry.isEmpty()) {
      out.add("spec.entry: the entry of workflow is required");
    }
    if (!names.contains(entry)) {
      out.add("spec.entry: can not find a template with name " + entry);
    }
    if (templates.isEmpty()) {
      out.add("spec.templates: templates in workflow could not be empty");
      return;
    }
    if (!duplicated.isEmpty()) {
      out.add("spec.templates: template name must be unique, duplicated names: " + duplicated);
    }
    int i = 0;
    for (JsonNode t : templates) {
      String path = "spec.templates[" + i++ + "]";
      String name = text(t.path("name"));
      if (name.isEmpty()) {
        out.add(path + ".name: name of template is required");
      }
      if (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
        out.add(path + ".name: field name must be DNS-1123 subdomain: '" + name + "'");
      }
      String type = text(t.path("templateType"));
      boolean hasChaos = EMBEDDED.values().stream().anyMatch(t::has);
      switch (type) {
        case "Suspend" -> {
          if (text(t.path("deadline")).isEmpty()) {
            out.add(path + ".deadline: deadline in template with type Suspend could not be empty");
          }
          noneOf(t, path, out, "task", "children", "conditionalBranches", "schedule");
          noChaos(hasChaos, path, out);
        }
        case "Serial", "Parallel" -> {
          int c = 0;
          for (JsonNode child : t.path("children")) {
            if (!names.contains(text(child))) {
              out.add(path + ".children[" + c + "]: can not find a template with name " + text(child));
            }
            c++;
          }
          noneOf(t, path, out, "task", "conditionalBranches", "schedule");
          noChaos(hasChaos, path, out);
        }
        case "Schedule", "Task", "StatusCheck" -> noChaos(hasChaos, path, out);
        default -> {
          String field = EMBEDDED.get(type);
          if (field == null) {
            out.add(path + ".templateType: unrecognized template type: " + type);
          } else if (!t.has(field)) {
            out.add(path + "." + type + ": the value of chaos " + type + " is required");
          } else {
            if (t.get(field).has("duration")) {
              out.add(path + ": should not define duration in chaos when using Workflow, use Template#Deadline instead.");
            }
            noneOf(t, path, out, "task", "children", "conditionalBranches", "schedule");
            chaos(type, t.get(field), path + "." + field, out);
          }
        }
      }
    }
  }

  private static void noneOf(JsonNode t, String path, List<String> out, String... fields) {
    for (String f : fields) {
      if (t.has(f) && !t.get(f).isNull() && !(t.get(f).isArray() && t.get(f).isEmpty())) {
        out.add(path + ": this template should not contain " + f);
      }
    }
  }

  private static void noChaos(boolean hasChaos, String path, List<String> out) {
    if (hasChaos) {
      out.add(path + ": this template should not contain any Chaos");
    }
  }

  private static void duration(JsonNode d, String path, List<String> out) {
    if (!d.isMissingNode() && !d.isNull() && !text(d).isEmpty() && !GO_DURATION.matcher(text(d)).matches()) {
      out.add(path + ": parse duration field error: '" + text(d) + "'");
    }
  }

  private static void floatStr(JsonNode f, String path, List<String> out) {
    if (f.isMissingNode() || f.isNull()) {
      return;
    }
    try {
      Float.parseFloat(text(f));
    } catch (NumberFormatException e) {
      out.add(path + ": parse correlation field error: '" + text(f) + "'");
    }
  }

  /** networkchaos_webhook.go, isValidRateUnit: a unit from the list after an unsigned integer. */
  static boolean validRate(String rate) {
    String s = rate.trim().toLowerCase(Locale.ROOT);
    for (String u : RATE_UNITS) {
      if (s.endsWith(u)) {
        String n = s.substring(0, s.length() - u.length()).trim();
        return !n.isEmpty() && n.chars().allMatch(Character::isDigit);
      }
    }
    return false;
  }

  /** A field's text: a scalar's text, a container's JSON, {@code ""} when missing or null. */
  private static String text(JsonNode n) {
    return n.isContainer() ? n.toString() : n.asString();
  }

  /** A field's text, or {@code missing} when it is missing or null. */
  private static String text(JsonNode n, String missing) {
    return n.isContainer() ? n.toString() : n.asString(missing);
  }

  private static Integer integer(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
