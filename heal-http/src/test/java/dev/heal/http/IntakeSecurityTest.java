package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.healer.Signal;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.time.InlineExecutorService;
import dev.heal.core.time.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The intake's order (auth, type, size, UTF-8, schema), its token rules, and what it exposes. */
class IntakeSecurityTest {
  static final String TOKEN = AlertmanagerReceiverTest.TOKEN;

  private final List<Signal> received = new ArrayList<>();
  private final HealthRegistry registry = HealthRegistry.builder().executor(new InlineExecutorService()).build();

  private AlertmanagerReceiver.Builder receiver() {
    return AlertmanagerReceiver.builder(received::add).bearerToken(TOKEN).clock(new ManualClock());
  }

  /** An input that counts the bytes read from it and would give 10 MB. */
  static final class CountingBody extends InputStream {
    long remaining;
    long read;

    CountingBody(long size) {
      this.remaining = size;
    }

    @Override
    public int read() {
      if (remaining == 0) {
        return -1;
      }
      remaining--;
      read++;
      return '{';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      java.util.Arrays.fill(b, off, off + n, (byte) '{');
      remaining -= n;
      read += n;
      return n;
    }
  }

  private static HttpRequest.Headers headers(String... nameValue) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put(nameValue[i], List.of(nameValue[i + 1]));
    }
    return HttpRequest.Headers.of(m);
  }

  @Test
  void anUnauthenticated10MegabytePostIsAnswered401WithoutReadingOneBodyByte() throws IOException {
    ProbeHandler handler = ProbeHandler.builder(registry).route(receiver().build().route()).build();
    CountingBody body = new CountingBody(10L << 20);
    HttpResponse r = handler.dispatch("POST", "/heal/alerts", "", headers("Content-Type", "application/json"), body,
        10L << 20);
    assertThat(r.status()).isEqualTo(401);
    assertThat(body.read).as("body bytes read before refusing").isZero();

    CountingBody chunked = new CountingBody(10L << 20);
    HttpResponse r2 = handler.dispatch("POST", "/heal/alerts", "",
        headers("Authorization", "Bearer wrong-wrong-wrong-wrong", "Content-Type", "application/json"), chunked, -1);
    assertThat(r2.status()).isEqualTo(401);
    assertThat(chunked.read).as("a wrong token, no length declared").isZero();

    CountingBody authorized = new CountingBody(10L << 20);
    HttpResponse r3 = handler.dispatch("POST", "/heal/alerts", "",
        headers("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"), authorized, -1);
    assertThat(r3.status()).as("authorized but too large").isEqualTo(413);
    assertThat(authorized.read).as("read at most the limit and one byte").isEqualTo(256 * 1024 + 1);
    assertThat(received).isEmpty();
  }

  @Test
  void checksComeInTheDocumentedOrder() throws IOException {
    ProbeHandler handler = ProbeHandler.builder(registry).route(receiver().build().route()).build();
    byte[] big = new byte[300 * 1024];
    // No token and a wrong type and too large: the token is judged first.
    assertThat(handler.dispatch("POST", "/heal/alerts", "", headers("Content-Type", "text/plain"),
        new java.io.ByteArrayInputStream(big), big.length).status()).isEqualTo(401);
    // Token right, type wrong, too large: 415.
    assertThat(handler.dispatch("POST", "/heal/alerts", "", headers("Authorization", "Bearer " + TOKEN,
        "Content-Type", "text/plain"), new java.io.ByteArrayInputStream(big), big.length).status()).isEqualTo(415);
    // Token and type right, too large: 413 from the declared length.
    assertThat(handler.dispatch("POST", "/heal/alerts", "", headers("Authorization", "Bearer " + TOKEN,
        "Content-Type", "application/json"), new java.io.ByteArrayInputStream(big), big.length).status())
        .isEqualTo(413);
  }

  @Test
  void contentTypeMustBeExactlyJsonWithAtMostCharsetUtf8() {
    AlertmanagerReceiver r = receiver().build();
    for (String ok : List.of("application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
        "application/json; charset=\"utf-8\"")) {
      assertThat(r.handle(post(ok, AlertmanagerReceiverTest.VALID)).status()).as(ok).isEqualTo(202);
    }
    for (String bad : List.of("application/json-patch+json", "application/jsonx", "text/json", "application/json; charset=utf-16",
        "application/json; charset=iso-8859-1", "application/json; boundary=x", "application/json; charset=utf-8; x=y", "")) {
      HttpResponse resp = r.handle(post(bad, AlertmanagerReceiverTest.VALID));
      assertThat(resp.status()).as(bad).isEqualTo(415);
      assertThat(AlertmanagerReceiverTest.error(resp)).contains("Content-Type must be application/json");
    }
    HttpRequest missing = HttpRequest.of("POST", "/heal/alerts", "", Map.of("Authorization", List.of("Bearer " + TOKEN)),
        AlertmanagerReceiverTest.VALID.getBytes(StandardCharsets.UTF_8));
    HttpResponse resp = r.handle(missing);
    assertThat(resp.status()).isEqualTo(415);
    assertThat(AlertmanagerReceiverTest.error(resp)).endsWith("was missing");
    assertThat(received).hasSize(8);
  }

  private static HttpRequest post(String contentType, String body) {
    return HttpRequest.of("POST", "/heal/alerts", "", Map.of("Authorization", List.of("Bearer " + TOKEN),
        "Content-Type", List.of(contentType)), body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpRequest postBytes(byte[] body) {
    return HttpRequest.of("POST", "/heal/alerts", "", Map.of("Authorization", List.of("Bearer " + TOKEN),
        "Content-Type", List.of("application/json")), body);
  }

  private static byte[] withBytesInPod(byte... bad) {
    String[] parts = AlertmanagerReceiverTest.VALID.split("orders-1", 2);
    byte[] a = (parts[0] + "pod").getBytes(StandardCharsets.UTF_8);
    byte[] b = parts[1].getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[a.length + bad.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(bad, 0, out, a.length, bad.length);
    System.arraycopy(b, 0, out, a.length + bad.length, b.length);
    return out;
  }

  @Test
  void invalidUtf8IsRejectedNamingTheByteOffset() {
    AlertmanagerReceiver r = receiver().build();
    int offset = (AlertmanagerReceiverTest.VALID.split("orders-1", 2)[0] + "pod").getBytes(StandardCharsets.UTF_8).length;
    Map<String, byte[]> cases = Map.of(
        "overlong '/' (C0 AF)", new byte[] {(byte) 0xC0, (byte) 0xAF},
        "overlong NUL (C0 80)", new byte[] {(byte) 0xC0, (byte) 0x80},
        "encoded surrogate (ED A0 80)", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        "above U+10FFFF (F4 90 80 80)", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});
    cases.forEach((what, bad) -> {
      HttpResponse resp = r.handle(postBytes(withBytesInPod(bad)));
      assertThat(resp.status()).as(what).isEqualTo(400);
      assertThat(AlertmanagerReceiverTest.error(resp)).as(what).contains("not valid UTF-8").contains("offset " + offset);
    });
    byte[] utf16 = AlertmanagerReceiverTest.VALID.getBytes(StandardCharsets.UTF_16LE);
    assertThat(r.handle(postBytes(utf16)).status()).as("a UTF-16 body").isEqualTo(400);
    assertThat(r.handle(postBytes(withBytesInPod((byte) 0xC3, (byte) 0xA9))).status()).as("a real é").isEqualTo(202);
    assertThat(received).as("only the valid body became signals").hasSize(2);
    assertThat(received.get(0).labels().get("pod")).isEqualTo("podé");
  }

  @Test
  void wronglyTypedFieldsAre400NamingTheField() {
    AlertmanagerReceiver r = receiver().build();
    Map<String, String> cases = Map.of(
        "\"groupKey\":\"{}:{alertname=\\\"HighErrorRate\\\"}\"", "\"groupKey\":7",
        "\"truncatedAlerts\":0", "\"truncatedAlerts\":\"0\"",
        "\"generatorURL\":\"http://prometheus/graph\"", "\"generatorURL\":{}",
        "\"externalURL\":\"http://alertmanager:9093\"", "\"externalURL\":null",
        "\"fingerprint\":\"f1\"", "\"fingerprint\":1");
    cases.forEach((valid, wrong) -> {
      HttpResponse resp = r.handle(post("application/json", AlertmanagerReceiverTest.VALID.replace(valid, wrong)));
      assertThat(resp.status()).as(wrong).isEqualTo(400);
      String field = wrong.substring(1, wrong.indexOf('"', 1));
      assertThat(AlertmanagerReceiverTest.error(resp)).as(wrong).contains(field).contains("must be");
    });
    for (String n : List.of("-1", "1.5", "true")) {
      HttpResponse resp = r.handle(post("application/json",
          AlertmanagerReceiverTest.VALID.replace("\"truncatedAlerts\":0", "\"truncatedAlerts\":" + n)));
      assertThat(resp.status()).as(n).isEqualTo(400);
    }
    assertThat(received).isEmpty();
  }

  @Test
  void aTokenFileWithATrailingNewlineWorks(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("token");
    Files.writeString(file, TOKEN + "\n");
    AlertmanagerReceiver r = AlertmanagerReceiver.builder(received::add).bearerTokenFile(file).build();
    assertThat(r.handle(post("application/json", AlertmanagerReceiverTest.VALID)).status()).isEqualTo(202);
    AlertmanagerReceiver fromEnv = AlertmanagerReceiver.builder(received::add).bearerToken(" \t" + TOKEN + "\r\n\u00a0").build();
    assertThat(fromEnv.handle(post("application/json", AlertmanagerReceiverTest.VALID)).status())
        .as("trimmed as Go's strings.TrimSpace trims (NBSP included)").isEqualTo(202);
  }

  @Test
  void aTokenShorterThan16CharactersAfterTrimmingIsABuildError(@TempDir Path dir) throws IOException {
    assertThatCode(() -> AlertmanagerReceiver.builder(received::add).bearerToken("short-token-1234\n").build())
        .as("16 characters exactly is fine").doesNotThrowAnyException();
    assertThatThrownBy(() -> AlertmanagerReceiver.builder(received::add).bearerToken("fifteen-chars-1\n\n\n").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("too short (15 characters after trimming");
    Path file = dir.resolve("token");
    Files.writeString(file, "   \n");
    assertThatThrownBy(() -> AlertmanagerReceiver.builder(received::add).bearerTokenFile(file).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty or only whitespace");
    assertThatThrownBy(() -> AlertmanagerReceiver.builder(received::add).bearerTokenFile(dir.resolve("missing")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot read");
    assertThatThrownBy(() -> AlertmanagerReceiver.builder(received::add).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a bearer token");
    assertThatThrownBy(() -> ProbeHandler.builder(registry).readToken("too-short\n").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("read token").hasMessageContaining("too short");
  }

  @Test
  void annotationsStayOutOfSignalsUnlessAllowListed() {
    String secret = AlertmanagerReceiverTest.VALID.replace("\"summary\":\"5xx above 5% on orders-1\"",
        "\"summary\":\"5xx above 5% on orders-1\",\"runbook\":\"password=hunter2\"");
    receiver().build().handle(post("application/json", secret));
    assertThat(received.get(0).message()).isEqualTo("alert HighErrorRate").doesNotContain("hunter2");
    received.clear();
    receiver().exposeAnnotations("summary").build().handle(post("application/json", secret));
    assertThat(received.get(0).message()).isEqualTo("alert HighErrorRate; summary: 5xx above 5% on orders-1")
        .doesNotContain("hunter2");
  }

  @Test
  void errorBodiesQuoteAtMost256BytesOfTheRequest() {
    ProbeHandler handler = ProbeHandler.builder(registry).anonymousReads(true)
        .route(receiver().build().route()).route(EpisodesEndpoint.route(dev.heal.core.healer.Healer.builder().build()))
        .build();
    String longPath = "/" + "x".repeat(100_000);
    HttpResponse notFound = handler.handle(HttpRequest.of("GET", longPath, "", Map.of(), new byte[0]));
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.body().length).as("a 100 KB path is not echoed").isLessThan(700);
    HttpResponse format = handler.handle(HttpRequest.of("GET", "/health", "format=" + "y".repeat(10_000), Map.of(),
        new byte[0]));
    assertThat(format.status()).isEqualTo(400);
    assertThat(format.body().length).isLessThan(700);
    HttpResponse limit = handler.handle(HttpRequest.of("GET", "/heal/episodes", "limit=" + "9".repeat(10_000),
        Map.of(), new byte[0]));
    assertThat(limit.status()).isEqualTo(400);
    assertThat(limit.body().length).isLessThan(700);
    HttpResponse type = handler.handle(post("x/" + "z".repeat(10_000), AlertmanagerReceiverTest.VALID));
    assertThat(type.status()).isEqualTo(415);
    assertThat(type.body().length).isLessThan(700);
    HttpResponse version = handler.handle(post("application/json",
        AlertmanagerReceiverTest.VALID.replace("\"version\":\"4\"", "\"version\":\"" + "v".repeat(10_000) + "\"")));
    assertThat(version.status()).isEqualTo(400);
    assertThat(version.body().length).isLessThan(700);
  }

  @Test
  void journalReadsNeedTheReadTokenUnlessAnonymousReadsAreOn() {
    dev.heal.core.healer.Healer healer = dev.heal.core.healer.Healer.builder().build();
    String readToken = "read-token-0123456789abcdef";
    ProbeHandler closed = ProbeHandler.builder(registry).showDetails(true).route(EpisodesEndpoint.route(healer)).build();
    HttpResponse noToken = closed.handle(HttpRequest.of("GET", "/heal/episodes", "", Map.of(), new byte[0]));
    assertThat(noToken.status()).isEqualTo(403);
    assertThat(AlertmanagerReceiverTest.error(noToken)).contains("readToken").contains("anonymousReads");

    ProbeHandler withToken = ProbeHandler.builder(registry).showDetails(true).readToken(readToken + "\n")
        .route(EpisodesEndpoint.route(healer)).build();
    assertThat(withToken.handle(HttpRequest.of("GET", "/heal/episodes", "", Map.of(), new byte[0])).status())
        .isEqualTo(401);
    assertThat(withToken.handle(HttpRequest.of("GET", "/heal/episodes", "",
        Map.of("Authorization", List.of("Bearer " + TOKEN)), new byte[0])).status())
        .as("the intake's token is not the read token").isEqualTo(401);
    assertThat(withToken.handle(HttpRequest.of("GET", "/heal/episodes", "",
        Map.of("Authorization", List.of("Bearer " + readToken)), new byte[0])).status()).isEqualTo(200);
    HttpResponse health = withToken.handle(HttpRequest.of("GET", "/health", "", Map.of(), new byte[0]));
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.bodyText()).as("statuses without details").doesNotContain("checkThreads");
    assertThat(withToken.handle(HttpRequest.of("GET", "/health", "",
        Map.of("Authorization", List.of("Bearer " + readToken)), new byte[0])).bodyText()).contains("checkThreads");
    assertThat(withToken.handle(HttpRequest.of("GET", "/readyz", "", Map.of(), new byte[0])).status())
        .as("probes never need a token").isEqualTo(200);
    healer.close();
  }
}
