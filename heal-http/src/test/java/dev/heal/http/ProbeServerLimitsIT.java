package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heal.core.healer.Healer;
import dev.heal.core.healer.Signal;
import dev.heal.core.health.HealthRegistry;
import dev.heal.core.time.InlineExecutorService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** heal's server limits over real sockets: what reaches the handler, what is refused, what is echoed. */
class ProbeServerLimitsIT {
  private final HealthRegistry registry = HealthRegistry.builder().executor(new InlineExecutorService()).build();
  private final Healer healer = Healer.builder().build();
  private final List<Signal> received = new ArrayList<>();
  private final List<ProbeServer> servers = new ArrayList<>();

  @AfterEach
  void tearDown() {
    servers.forEach(ProbeServer::close);
    healer.close();
    registry.close();
  }

  private ProbeServer start(String host, ProbeHandler.Builder handler) {
    ProbeServer s = ProbeServer.builder(handler).host(host).port(0).start();
    servers.add(s);
    return s;
  }

  /** Sends {@code head} (and nothing else) and reads the whole answer; the status line first. */
  static String exchange(int port, byte[] head) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(3000);
      s.getOutputStream().write(head);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          String text = out.toString(StandardCharsets.UTF_8);
          int headEnd = text.indexOf("\r\n\r\n");
          int cl = text.toLowerCase().indexOf("content-length: ");
          if (headEnd > 0 && cl > 0 && cl < headEnd) {
            int length = Integer.parseInt(text.substring(cl + 16, text.indexOf("\r\n", cl)).trim());
            if (out.size() >= headEnd + 4 + length) {
              break;
            }
          }
        }
      } catch (java.net.SocketTimeoutException e) {
        // whatever arrived is the answer
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void anUnauthenticated10MegabytePostIs401BeforeItsBodyIsSent() throws IOException {
    ProbeServer server = start("127.0.0.1", ProbeHandler.builder(registry)
        .route(AlertmanagerReceiver.builder(received::add).bearerToken(AlertmanagerReceiverTest.TOKEN).build().route()));
    String r = exchange(server.port(), ("POST /heal/alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 10485760\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(r).as("answered with no body byte sent").startsWith("HTTP/1.1 401");
    assertThat(body(r)).contains("missing bearer token");
    assertThat(received).isEmpty();
  }

  @Test
  void aNonAsciiTokenIsComparedAsUtf8Bytes() throws IOException {
    String token = "tökén-ünïcødé-0123456789";
    ProbeServer server = start("127.0.0.1", ProbeHandler.builder(registry)
        .route(AlertmanagerReceiver.builder(received::add).bearerToken(token).build().route()));
    byte[] body = AlertmanagerReceiverTest.VALID.getBytes(StandardCharsets.UTF_8);
    for (String given : List.of(token, "tökén-ünïcødé-0123456788")) {
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.write(("POST /heal/alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\nAuthorization: Bearer ").getBytes(StandardCharsets.US_ASCII));
      req.write(given.getBytes(StandardCharsets.UTF_8));
      req.write("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      req.write(body);
      String r = exchange(server.port(), req.toByteArray());
      assertThat(r).as(given).startsWith(given.equals(token) ? "HTTP/1.1 202" : "HTTP/1.1 401");
    }
    assertThat(received).hasSize(2);
  }

  @Test
  void anOversizedHeadGetsASmallJsonErrorThatDoesNotEchoIt() throws IOException {
    ProbeServer server = start("127.0.0.1", ProbeHandler.builder(registry));
    String path = "/" + "p".repeat(100_000);
    String r = exchange(server.port(), ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(r).matches("(?s)HTTP/1.1 (414|431).*");
    assertThat(r.length()).as("no echo of the 100 KB path").isLessThan(1024);
    assertThat(body(r)).startsWith("{\"status\":").doesNotContain("ppppp");
    String header = exchange(server.port(), ("GET /readyz HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(20_000)
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(header).startsWith("HTTP/1.1 431");
    assertThat(header.length()).isLessThan(1024);
  }

  @Test
  void onANonLoopbackBindTheJournalAndDetailsNeedTheReadToken() throws IOException {
    String readToken = "read-token-for-the-journal-42";
    ProbeServer open = start("0.0.0.0", ProbeHandler.builder(registry).route(EpisodesEndpoint.route(healer)));
    assertThat(exchange(open.port(), get("/heal/episodes", null))).startsWith("HTTP/1.1 403");
    assertThat(exchange(open.port(), get("/readyz", null))).startsWith("HTTP/1.1 200");
    assertThat(body(exchange(open.port(), get("/health", null)))).doesNotContain("checkThreads");

    ProbeServer guarded = start("0.0.0.0", ProbeHandler.builder(registry).readToken(readToken)
        .route(EpisodesEndpoint.route(healer)));
    assertThat(exchange(guarded.port(), get("/heal/episodes", null))).startsWith("HTTP/1.1 401");
    assertThat(exchange(guarded.port(), get("/heal/episodes", readToken))).startsWith("HTTP/1.1 200");
    assertThat(body(exchange(guarded.port(), get("/health", readToken)))).contains("checkThreads");

    ProbeServer local = start("127.0.0.1", ProbeHandler.builder(registry).route(EpisodesEndpoint.route(healer)));
    assertThat(exchange(local.port(), get("/heal/episodes", null))).as("loopback reads are open")
        .startsWith("HTTP/1.1 200");
  }

  private static byte[] get(String path, String token) {
    return ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
