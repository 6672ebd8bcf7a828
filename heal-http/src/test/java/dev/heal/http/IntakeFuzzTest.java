package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.Signal;
import dev.heal.core.healer.Trigger;
import dev.heal.core.health.HealthCheckConfig;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.health.HealthResult;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * 12,000 seeded mutations of a valid Alertmanager payload through the whole intake (probe handler,
 * gate, body, receiver, healer): invalid UTF-8 (overlong, NUL as C0 80, surrogates, out of range,
 * stray and truncated sequences), wrongly typed fields, and byte-level damage. Checked against
 * oracles independent of the receiver: a body is only accepted if it round-trips as UTF-8 and every
 * field has Alertmanager's type; a rejected body starts no action; nothing answers 5xx; the probes
 * keep answering throughout.
 */
class IntakeFuzzTest {
  private static final int BODIES = 12_000;
  private static final byte[][] BAD_UTF8 = {
      {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
      {(byte) 0xFF}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}};
  private static final String[] WRONG_VALUES = {"1", "-1", "1.5", "true", "null", "{}", "[]", "[\"x\"]",
      "{\"a\":1}", "\"x\""};
  private static final String[] FIELDS = {"version", "groupKey", "truncatedAlerts", "status", "receiver",
      "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts", "labels", "annotations",
      "startsAt", "endsAt", "generatorURL", "fingerprint", "alertname", "service", "pod", "summary"};

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void noInvalidUtf8OrWronglyTypedBodyIsAcceptedAndNoRejectedBodyActs() {
    ManualClock clock = new ManualClock();
    AtomicInteger actions = new AtomicInteger();
    HealthRegistry registry = HealthRegistry.builder().clock(clock).executor(new InlineExecutorService()).build();
    registry.register(HealthCheckConfig.builder("db").interval(Duration.ofSeconds(1)).build(), HealthResult::up);
    registry.start();
    clock.advance(Duration.ofSeconds(1));
    Healer healer = Healer.builder().clock(clock).executor(new InlineExecutorService())
        .budget(1_000_000, Duration.ofMinutes(1)).cooldown(Duration.ZERO).replayCapacity(100_000)
        .plan(RecoveryPlan.when(Trigger.alert("alertname=HighErrorRate")).target("orders")
            .then(Action.run("restart", actions::incrementAndGet)).verifyWithin(Duration.ofSeconds(1)).build())
        .build();
    List<Signal> signals = new ArrayList<>();
    AlertmanagerReceiver receiver = AlertmanagerReceiver.builder(s -> {
      signals.add(s);
      healer.accept(s);
    }).bearerToken(AlertmanagerReceiverTest.TOKEN).clock(clock).build();
    ProbeHandler handler = ProbeHandler.builder(registry).route(receiver.route()).build();
    HttpRequest.Headers headers = HttpRequest.Headers.of(Map.of(
        "Authorization", List.of("Bearer " + AlertmanagerReceiverTest.TOKEN),
        "Content-Type", List.of("application/json")));

    SplittableRandom random = new SplittableRandom(12L);
    int accepted = 0;
    int rejectedUtf8 = 0;
    int rejectedType = 0;
    int rejectedOther = 0;
    for (int i = 0; i < BODIES; i++) {
      Mutation m = mutate(random, i);
      int actionsBefore = actions.get();
      int signalsBefore = signals.size();
      HttpResponse r;
      try {
        r = handler.dispatch("POST", "/heal/alerts", "", headers, new ByteArrayInputStream(m.body()), m.body().length);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
      assertThat(r.status()).as("body %d (%s)", i, m.kind()).isIn(202, 400);
      if (r.status() == 202) {
        accepted++;
        assertThat(validUtf8(m.body())).as("accepted body %d (%s) is valid UTF-8", i, m.kind()).isTrue();
        assertThat(wellTyped(m.body())).as("accepted body %d (%s) is well typed: %s", i, m.kind(),
            new String(m.body(), StandardCharsets.UTF_8)).isNull();
      } else {
        assertThat(actions.get()).as("actions from rejected body %d (%s)", i, m.kind()).isEqualTo(actionsBefore);
        assertThat(signals).as("signals from rejected body %d", i).hasSize(signalsBefore);
        String error = r.bodyText();
        assertThat(r.body().length).as("error bodies stay small").isLessThan(1024);
        if (error.contains("not valid UTF-8")) {
          rejectedUtf8++;
        } else if (error.contains("must be")) {
          rejectedType++;
        } else {
          rejectedOther++;
        }
      }
      if (i % 500 == 0) {
        assertThat(handler.handle(HttpRequest.of("GET", "/readyz", "", Map.of(), new byte[0])).status())
            .as("probes keep answering").isEqualTo(200);
        clock.advance(Duration.ofSeconds(2));
      }
    }
    System.out.printf("intake fuzz: %d bodies, %d accepted, rejected %d for UTF-8, %d for types, %d otherwise;"
        + " %d actions%n", BODIES, accepted, rejectedUtf8, rejectedType, rejectedOther, actions.get());
    assertThat(rejectedUtf8).as("the UTF-8 mutations were exercised").isGreaterThan(2000);
    assertThat(rejectedType).as("the type mutations were exercised").isGreaterThan(2000);
    assertThat(accepted).as("some mutations stay valid (e.g. damage inside a string)").isPositive();
    healer.close();
    registry.close();
  }

  record Mutation(String kind, byte[] body) {}

  /** One of three kinds, in turn: bad UTF-8 inside a string, a field with a wrong type, byte damage. */
  static Mutation mutate(SplittableRandom random, int i) {
    String valid = AlertmanagerReceiverTest.VALID;
    switch (i % 3) {
      case 0 -> {
        // Bad UTF-8 somewhere inside a string value or key.
        byte[] v = valid.getBytes(StandardCharsets.UTF_8);
        int at = insideAString(valid, random);
        byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
        byte[] out = new byte[v.length + bad.length];
        System.arraycopy(v, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(v, at, out, at + bad.length, v.length - at);
        return new Mutation("utf8 " + hex(bad) + " at " + at, out);
      }
      case 1 -> {
        // A field's value replaced by a value of another type.
        String field = FIELDS[random.nextInt(FIELDS.length)];
        String wrong = WRONG_VALUES[random.nextInt(WRONG_VALUES.length)];
        String key = "\"" + field + "\":";
        List<Integer> at = new ArrayList<>();
        for (int p = valid.indexOf(key); p >= 0; p = valid.indexOf(key, p + 1)) {
          at.add(p);
        }
        int start = at.get(random.nextInt(at.size())) + key.length();
        int end = valueEnd(valid, start);
        String out = valid.substring(0, start) + wrong + valid.substring(end);
        return new Mutation("type " + field + "=" + wrong, out.getBytes(StandardCharsets.UTF_8));
      }
      default -> {
        byte[] v = valid.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(v, v.length);
        int n = 1 + random.nextInt(4);
        for (int k = 0; k < n; k++) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return new Mutation("bytes x" + n, out);
      }
    }
  }

  private static int insideAString(String s, SplittableRandom random) {
    while (true) {
      int at = 1 + random.nextInt(s.length() - 1);
      int quotes = 0;
      for (int k = 0; k < at; k++) {
        if (s.charAt(k) == '"' && s.charAt(k - 1 < 0 ? 0 : k - 1) != '\\') {
          quotes++;
        }
      }
      if (quotes % 2 == 1) {
        return at;
      }
    }
  }

  /** Where the JSON value starting at {@code start} ends. */
  private static int valueEnd(String s, int start) {
    int depth = 0;
    boolean inString = false;
    for (int k = start; k < s.length(); k++) {
      char c = s.charAt(k);
      if (inString) {
        if (c == '\\') {
          k++;
        } else if (c == '"') {
          inString = false;
          if (depth == 0) {
            return k + 1;
          }
        }
        continue;
      }
      switch (c) {
        case '"' -> inString = true;
        case '{', '[' -> depth++;
        case '}', ']' -> {
          if (depth == 0) {
            return k;
          }
          depth--;
          if (depth == 0) {
            return k + 1;
          }
        }
        case ',' -> {
          if (depth == 0) {
            return k;
          }
        }
        default -> { }
      }
    }
    return s.length();
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02X", x & 0xff));
    }
    return s.toString();
  }

  /** Oracle: the bytes decode and re-encode to themselves (no replacement character was needed). */
  static boolean validUtf8(byte[] body) {
    return Arrays.equals(new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), body);
  }

  /** Oracle: null when every Alertmanager field has its type, else what is wrong. */
  String wellTyped(byte[] body) {
    JsonNode root = json.readTree(new String(body, StandardCharsets.UTF_8));
    for (String f : List.of("version", "groupKey", "status", "receiver", "externalURL")) {
      if (root.has(f) && !root.get(f).isString()) {
        return f;
      }
    }
    if (root.has("truncatedAlerts") && !(root.get("truncatedAlerts").isIntegralNumber()
        && root.get("truncatedAlerts").asLong() >= 0)) {
      return "truncatedAlerts";
    }
    for (String f : List.of("groupLabels", "commonLabels", "commonAnnotations")) {
      if (root.has(f) && !stringMap(root.get(f))) {
        return f;
      }
    }
    if (!root.path("alerts").isArray()) {
      return "alerts";
    }
    for (JsonNode a : root.get("alerts")) {
      for (String f : List.of("status", "startsAt", "endsAt", "generatorURL", "fingerprint")) {
        if (a.has(f) && !a.get(f).isString()) {
          return "alerts[]." + f;
        }
      }
      for (String f : List.of("labels", "annotations")) {
        if (a.has(f) && !stringMap(a.get(f))) {
          return "alerts[]." + f;
        }
      }
    }
    return null;
  }

  private static boolean stringMap(JsonNode n) {
    if (!n.isObject()) {
      return false;
    }
    for (var e : n.properties()) {
      if (!e.getValue().isString()) {
        return false;
      }
    }
    return true;
  }
}
