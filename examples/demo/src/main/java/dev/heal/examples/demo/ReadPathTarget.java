package dev.heal.examples.demo;

import dev.heal.core.time.HealClock;
import dev.heal.examples.orders.OrdersConfig;
import dev.heal.examples.orders.OrdersService;
import dev.heal.examples.payments.PaymentsService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A target for {@code wrk} on orders-service's read path in its default configuration (embedded
 * H2, no chaos proxies): starts payments-service and orders-service, stores 200 orders, writes
 * the base URL and their ids to {@code args[0]}, and serves until killed. {@code --no-heal} as
 * {@code args[1]} runs it without heal.
 */
public final class ReadPathTarget {
  private ReadPathTarget() {}

  public static void main(String[] args) throws Exception {
    boolean heal = !(args.length > 1 && "--no-heal".equals(args[1]));
    PaymentsService payments = PaymentsService.start("127.0.0.1", 0, -1, 1);
    OrdersService orders = OrdersService.start(OrdersConfig.defaults().withHost("127.0.0.1").withPorts(0, 0)
        .withPayments(URI.create(payments.baseUrl())).withHeal(heal), HealClock.system());
    HttpClient http = HttpClient.newHttpClient();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(orders.baseUrl() + "/orders"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"customerId\":\"c-" + i + "\",\"items\":[{\"sku\":\"sku-" + (i % 40) + "\",\"quantity\":1,\"price\":9.99}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      String body = r.body();
      int at = body.indexOf("\"id\":\"") + 6;
      ids.add(body.substring(at, body.indexOf('"', at)));
    }
    Files.writeString(Path.of(args[0]), orders.baseUrl() + "\n" + String.join("\n", ids) + "\n");
    System.out.println("ready " + orders.baseUrl() + " heal=" + heal);
    new CountDownLatch(1).await();
  }
}
