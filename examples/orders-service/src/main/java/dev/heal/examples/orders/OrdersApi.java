package dev.heal.examples.orders;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.heal.core.degradation.Feature;
import dev.heal.core.time.HealClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The orders JSON API: {@code POST /orders}, {@code GET /orders/{id}}, {@code GET /orders?limit=N}.
 * Bad input gets 400/404/405/413 with a JSON error and stores nothing. Thread-safe.
 */
final class OrdersApi implements HttpHandler {
  static final int MAX_BODY = 64 * 1024;
  private static final Set<String> ORDER_FIELDS = Set.of("customerId", "items");
  private static final Set<String> ITEM_FIELDS = Set.of("sku", "quantity", "price");

  private final ObjectMapper json = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();
  private final OrderRepository repository;
  private final Outbox outbox;
  private final PaymentsClient payments;
  private final Feature recommendations;
  private final HealClock clock;
  private final MeterRegistry meters;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.heal.examples.orders");
  private final boolean protect;
  private final DbGuard db;
  private final RecentOrders recent = new RecentOrders(20_000);

  /**
   * @param protect heal's graceful degradation on: orders are queued while the database is down,
   *     accepted as payment-pending while payments fails, and served from recent orders while the
   *     database cannot answer; off, the same failures become 5xx answers
   */
  OrdersApi(OrderRepository repository, Outbox outbox, PaymentsClient payments, Feature recommendations,
      HealClock clock, MeterRegistry meters, boolean protect, DbGuard db) {
    this.protect = protect;
    this.db = db;
    this.repository = repository;
    this.outbox = outbox;
    this.payments = payments;
    this.recommendations = recommendations;
    this.clock = clock;
    this.meters = meters;
  }

  int inFlight() {
    return inFlight.get();
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    long start = clock.nanoTime();
    inFlight.incrementAndGet();
    // One server span per request through the OpenTelemetry API (a no-op without an SDK).
    Span span = tracer.spanBuilder(ex.getRequestMethod() + " /orders").setSpanKind(SpanKind.SERVER).startSpan();
    String uri = "/orders";
    int status = 500;
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      Response r;
      if ("/orders".equals(path) || "/orders/".equals(path)) {
        r = switch (method) {
          case "POST" -> create(ex);
          case "GET" -> list(ex.getRequestURI().getRawQuery());
          default -> error(405, "method " + method + " is not allowed on /orders; use GET or POST");
        };
      } else if (path.startsWith("/orders/")) {
        uri = "/orders/{id}";
        r = "GET".equals(method) ? get(path.substring("/orders/".length()))
            : error(405, "method " + method + " is not allowed on /orders/{id}; use GET");
      } else {
        uri = "UNKNOWN";
        r = error(404, "no such path: " + path);
      }
      status = r.status;
      byte[] body = json.writeValueAsBytes(r.body);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      if (r.status == 405) {
        ex.getResponseHeaders().set("Allow", uri.equals("/orders") ? "GET, POST" : "GET");
      }
      ex.sendResponseHeaders(r.status, body.length);
      ex.getResponseBody().write(body);
    } finally {
      span.setAttribute("http.response.status_code", status);
      span.setAttribute("http.route", uri);
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
      inFlight.decrementAndGet();
      Timer.builder("http.server.requests").tags("method", ex.getRequestMethod(), "uri", uri,
          "status", Integer.toString(status), "outcome", status < 400 ? "SUCCESS" : status < 500 ? "CLIENT_ERROR" : "SERVER_ERROR")
          .publishPercentileHistogram().register(meters).record(clock.since(start));
    }
  }

  private record Response(int status, Object body) {}

  private static Response error(int status, String message) {
    return new Response(status, Map.of("status", status, "error", message));
  }

  private Response create(HttpExchange ex) throws IOException {
    String type = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("application/json");
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      return error(415, "Content-Type must be application/json");
    }
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      return error(413, "body over the limit of " + MAX_BODY + " bytes");
    }
    Order order;
    try {
      order = parse(bytes);
    } catch (BadRequest e) {
      return error(400, e.getMessage());
    }
    try {
      db.run(() -> {
        repository.insert(order);
        return null;
      });
    } catch (SQLException | RuntimeException e) {
      if (!protect) {
        return error(503, "database unavailable; retry later");
      }
      Order queued = order.withStatus(Order.QUEUED, Optional.empty());
      if (!outbox.offer(queued)) {
        return error(503, "database unavailable and the outbox is full; retry later");
      }
      return new Response(202, view(queued));
    }
    recent.put(order);
    try {
      Optional<String> paymentId = payments.pay(order.id(), order.total());
      if (paymentId.isEmpty()) {
        return new Response(201, view(order)); // payment pending: the settler pays it later
      }
      db.run(() -> {
        repository.markPaid(order.id(), paymentId.get());
        return null;
      });
      Order paid = order.withStatus(Order.PAID, paymentId);
      recent.put(paid);
      return new Response(201, view(paid));
    } catch (PaymentsClient.PaymentException | SQLException | RuntimeException e) {
      if (!protect && e instanceof PaymentsClient.PaymentException) {
        return error(502, "payment failed: " + e.getMessage() + "; the order " + order.id() + " is stored as pending");
      }
      // The order is stored; its payment settles later.
      return new Response(201, view(order));
    }
  }

  private Response get(String id) {
    if (id.isEmpty() || id.length() > 40 || !id.matches("[A-Za-z0-9-]+")) {
      return error(400, "order id must be 1-40 letters, digits or '-'");
    }
    try {
      Optional<Order> o = db.call(() -> repository.find(id));
      if (o.isEmpty()) {
        o = outbox.find(id);
      }
      o.ifPresent(recent::put);
      if (o.isEmpty()) {
        return error(404, "no order " + id);
      }
      Map<String, Object> v = view(o.get());
      if (recommendations.isEnabled()) {
        List<String> recs = new ArrayList<>();
        for (Order.Item i : o.get().items()) {
          recs.add(i.sku() + "-accessory");
        }
        v.put("recommendations", recs);
      }
      return new Response(200, v);
    } catch (SQLException | RuntimeException e) {
      if (!protect) {
        return error(503, "database unavailable; retry later");
      }
      return outbox.find(id).or(() -> recent.get(id)).map(q -> new Response(200, (Object) view(q)))
          .orElseGet(() -> error(503, "database unavailable; retry later"));
    }
  }

  private Response list(String query) {
    int limit = 20;
    if (query != null) {
      for (String part : query.split("&")) {
        if (part.startsWith("limit=")) {
          try {
            limit = Integer.parseInt(part.substring(6));
          } catch (NumberFormatException e) {
            return error(400, "limit must be a whole number from 1 to 100");
          }
          if (limit < 1 || limit > 100) {
            return error(400, "limit must be a whole number from 1 to 100");
          }
        }
      }
    }
    try {
      List<Map<String, Object>> out = new ArrayList<>();
      int n = limit;
      for (Order o : db.call(() -> repository.recent(n))) {
        out.add(view(o));
      }
      return new Response(200, Map.of("orders", out));
    } catch (SQLException | RuntimeException e) {
      return error(503, "database unavailable; retry later");
    }
  }

  private static Map<String, Object> view(Order o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", o.id());
    m.put("customerId", o.customerId());
    m.put("status", o.status());
    m.put("total", o.total());
    m.put("paymentId", o.paymentId().orElse(null));
    m.put("createdAt", o.createdAt().toString());
    List<Map<String, Object>> items = new ArrayList<>();
    for (Order.Item i : o.items()) {
      items.add(Map.of("sku", i.sku(), "quantity", i.quantity(), "price", i.price()));
    }
    m.put("items", items);
    return m;
  }

  /** Parses and validates a new order; nothing is stored for a request that fails here. */
  Order parse(byte[] bytes) throws BadRequest {
    JsonNode root;
    try {
      root = json.readTree(bytes);
    } catch (JacksonException e) {
      throw new BadRequest("malformed JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequest("body must be a JSON object with customerId and items");
    }
    unknownFields(root, ORDER_FIELDS, "");
    JsonNode customer = root.get("customerId");
    if (customer == null || !customer.isString() || customer.asString().isBlank() || customer.asString().length() > 64) {
      throw new BadRequest("customerId is required: a non-empty string of at most 64 characters");
    }
    JsonNode items = root.get("items");
    if (items == null || !items.isArray() || items.isEmpty() || items.size() > 100) {
      throw new BadRequest("items is required: an array of 1 to 100 items");
    }
    List<Order.Item> list = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String at = "items[" + i + "]";
      if (!item.isObject()) {
        throw new BadRequest(at + " must be an object with sku, quantity and price");
      }
      unknownFields(item, ITEM_FIELDS, at + ".");
      JsonNode sku = item.get("sku");
      JsonNode qty = item.get("quantity");
      JsonNode price = item.get("price");
      if (sku == null || !sku.isString() || sku.asString().isBlank() || sku.asString().length() > 64) {
        throw new BadRequest(at + ".sku is required: a non-empty string of at most 64 characters");
      }
      if (qty == null || !qty.isIntegralNumber() || qty.asLong() < 1 || qty.asLong() > 1000) {
        throw new BadRequest(at + ".quantity is required: a whole number from 1 to 1000");
      }
      if (price == null || !price.isNumber() || price.decimalValue().signum() <= 0
          || price.decimalValue().compareTo(BigDecimal.valueOf(1_000_000)) > 0 || price.decimalValue().scale() > 2) {
        throw new BadRequest(at + ".price is required: a positive amount up to 1000000 with at most 2 decimals");
      }
      BigDecimal p = price.decimalValue().setScale(2, RoundingMode.UNNECESSARY);
      list.add(new Order.Item(sku.asString(), qty.asInt(), p));
      total = total.add(p.multiply(BigDecimal.valueOf(qty.asInt())));
    }
    return new Order(UUID.randomUUID().toString(), customer.asString(), list, total.setScale(2, RoundingMode.UNNECESSARY),
        Order.PAYMENT_PENDING, Optional.empty(), clock.now());
  }

  private static void unknownFields(JsonNode node, Set<String> allowed, String prefix) throws BadRequest {
    for (String f : node.propertyNames()) {
      if (!allowed.contains(f)) {
        throw new BadRequest("unknown field " + prefix + f + "; allowed: " + allowed);
      }
    }
  }

  /** A request that is not a valid order. */
  static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }
}
