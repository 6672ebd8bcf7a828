package dev.heal.examples.springorders;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.ObjectMapper;

/**
 * DEGRADED is ordered between UP and DOWN in Actuator's aggregation, as the starter sets it
 * ({@code management.endpoint.health.status.order} DOWN, OUT_OF_SERVICE, DEGRADED, UP, UNKNOWN,
 * DEGRADED mapped to 200): a group of a DEGRADED and an UP indicator answers 200 DEGRADED, and
 * when the other indicator goes DOWN the group answers 503 DOWN. Over real HTTP, in the example.
 */
@SpringBootTest(classes = {OrdersApplication.class, StatusOrderIT.Indicators.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=", "payments.url=http://127.0.0.1:9", "payments.timeout=100ms",
        "management.endpoint.health.group.mix.include=stale,flaky"})
class StatusOrderIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestConfiguration(proxyBeanMethods = false)
  static class Indicators {
    final AtomicBoolean flakyDown = new AtomicBoolean();

    @Bean
    HealthIndicator stale() {
      return () -> Health.status(new Status("DEGRADED")).build();
    }

    @Bean
    HealthIndicator flaky() {
      return () -> flakyDown.get() ? Health.down().build() : Health.up().build();
    }
  }

  @LocalServerPort
  int port;
  @Autowired
  Indicators indicators;

  private HttpResponse<String> mix() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/mix")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The group's own (aggregated) status, not a component's. */
  private static String status(HttpResponse<String> r) {
    return JSON.readTree(r.body()).get("status").asString();
  }

  @Test
  void degradedOutranksUpAndDownOutranksDegraded() throws Exception {
    HttpResponse<String> degraded = mix();
    assertThat(degraded.statusCode()).as(degraded.body()).isEqualTo(200);
    assertThat(status(degraded)).as(degraded.body()).isEqualTo("DEGRADED");
    indicators.flakyDown.set(true);
    try {
      HttpResponse<String> down = mix();
      assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
      assertThat(status(down)).as(down.body()).isEqualTo("DOWN");
    } finally {
      indicators.flakyDown.set(false);
    }
  }
}
