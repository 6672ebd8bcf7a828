package dev.heal.spring.internal;

import dev.heal.http.HttpRequest;
import dev.heal.http.HttpResponse;
import dev.heal.http.Route;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One heal-http {@link Route} (framework-neutral request to response) served by a servlet, with the
 * order heal's own server keeps: method (405), the route's gate from the headers alone (e.g. 401,
 * 415), the declared size (413), then at most {@code maxBodyBytes} read (413 beyond) and the
 * endpoint called. Thread-safe. Not API.
 */
public final class RouteServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(RouteServlet.class);

  private final transient Route route;

  public RouteServlet(Route route) {
    this.route = route;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String method = req.getMethod();
    if (!route.methods().contains(method)) {
      write(resp, HttpResponse.error(405, "method " + method + " not allowed; use " + route.methods())
          .withHeader("Allow", String.join(", ", route.methods())));
      return;
    }
    HttpRequest.Headers headers = name -> Optional.ofNullable(req.getHeader(name));
    String query = req.getQueryString() == null ? "" : req.getQueryString();
    HttpRequest head = new HttpRequest(method, route.path(), query, headers, new byte[0]);
    Optional<HttpResponse> refused = route.gate().check(head);
    if (refused.isPresent()) {
      write(resp, refused.get());
      return;
    }
    long declared = req.getContentLengthLong();
    if (declared > route.maxBodyBytes()) {
      write(resp, HttpResponse.error(413, "body of " + declared + " bytes is over the limit of " + route.maxBodyBytes()));
      return;
    }
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readNBytes(route.maxBodyBytes() + 1);
    }
    if (body.length > route.maxBodyBytes()) {
      write(resp, HttpResponse.error(413, "body is over the limit of " + route.maxBodyBytes() + " bytes"));
      return;
    }
    HttpResponse answer;
    try {
      answer = route.endpoint().handle(new HttpRequest(method, route.path(), query, headers, body));
    } catch (Exception e) {
      log.warn("heal: {} failed", route.path(), e);
      answer = HttpResponse.error(500, "internal error");
    }
    write(resp, answer);
  }

  private static void write(HttpServletResponse resp, HttpResponse r) throws IOException {
    resp.setStatus(r.status());
    resp.setContentType(r.contentType());
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      resp.setHeader(h.getKey(), h.getValue());
    }
    resp.setContentLength(r.body().length);
    try (OutputStream out = resp.getOutputStream()) {
      out.write(r.body());
    }
  }
}
