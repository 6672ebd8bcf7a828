package dev.heal.http.internal;

import dev.heal.http.HttpRequest;
import dev.heal.http.HttpResponse;
import dev.heal.http.ProbeHandler;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Mounts a {@link ProbeHandler} on Jetty 12's core handler API without ever blocking a Jetty
 * thread: probe answers and refusals are written from the thread that parsed the head (they need
 * no body and run no user code); bodies are read by demand callbacks, never by a blocked read;
 * endpoints (user code: scrapes, health sections, the intake's sink) run on heal's small worker
 * pool, whose overflow gets 503. So slow or hostile connections can hold only themselves.
 * Thread-safe. Not API.
 */
public final class JettyProbeHandler extends Handler.Abstract.NonBlocking {
  private static final byte[] NO_BODY = new byte[0];
  private static final HttpResponse BUSY =
      HttpResponse.error(503, "heal's endpoint workers are busy; retry shortly").withHeader("Retry-After", "1");

  private final ProbeHandler handler;
  private final Executor workers;
  private final Deadlines deadlines;

  public JettyProbeHandler(ProbeHandler handler, Executor workers, Deadlines deadlines) {
    this.handler = handler;
    this.workers = workers;
    this.deadlines = deadlines;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Deadlines.Tracker tracker = deadlines.started(request.getConnectionMetaData().getConnection());
    Callback done = Callback.from(() -> {
      tracker.ended();
      callback.succeeded();
    }, failure -> {
      tracker.ended();
      callback.failed(failure);
    });
    HttpFields fields = request.getHeaders();
    HttpRequest.Headers headers = name -> Optional.ofNullable(fields.get(name));
    String query = request.getHttpURI().getQuery();
    String method = request.getMethod();
    long length = request.getLength();
    ProbeHandler.Exchange exchange =
        handler.prepare(method, request.getHttpURI().getPath(), query == null ? "" : query, headers, length);
    Optional<HttpResponse> answer = exchange.answer();
    if (answer.isPresent()) {
      write(method, response, done, answer.get());
    } else if (length == 0) {
      work(method, response, done, () -> exchange.complete(NO_BODY));
    } else {
      tracker.readingBody();
      new BodyReader(request, response, done, exchange, tracker).run();
    }
    return true;
  }

  private void work(String method, Response response, Callback done, java.util.function.Supplier<HttpResponse> task) {
    try {
      workers.execute(() -> write(method, response, done, task.get()));
    } catch (RejectedExecutionException e) {
      write(method, response, done, BUSY);
    }
  }

  /** Reads a body by demand, at most the exchange's limit, then hands it to a worker. */
  private final class BodyReader implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback done;
    private final ProbeHandler.Exchange exchange;
    private final Deadlines.Tracker tracker;
    private final AtomicBoolean finished = new AtomicBoolean();
    private byte[] buffer = new byte[256];
    private int size;

    BodyReader(Request request, Response response, Callback done, ProbeHandler.Exchange exchange,
        Deadlines.Tracker tracker) {
      this.request = request;
      this.response = response;
      this.done = done;
      this.exchange = exchange;
      this.tracker = tracker;
    }

    @Override
    public void run() {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          finish(HttpResponse.error(400, "the request body could not be read: "
              + Echo.of(String.valueOf(chunk.getFailure().getMessage()))));
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int n = bytes.remaining();
        if ((long) size + n > exchange.bodyLimit()) {
          chunk.release();
          finish(exchange.tooLarge());
          return;
        }
        if (size + n > buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.min(exchange.bodyLimit(), Math.max(buffer.length * 2, size + n)));
        }
        bytes.get(buffer, size, n);
        size += n;
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          if (finished.compareAndSet(false, true)) {
            tracker.bodyRead();
            byte[] body = Arrays.copyOf(buffer, size);
            work(request.getMethod(), response, done, () -> exchange.complete(body));
          }
          return;
        }
      }
    }

    private void finish(HttpResponse r) {
      if (finished.compareAndSet(false, true)) {
        tracker.bodyRead();
        write(request.getMethod(), response, done, r);
      }
    }
  }

  /** Jetty's own errors (bad request line, head too large, ...) as heal's small JSON errors. */
  public static final class JsonErrors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Object s = request.getAttribute(ERROR_STATUS);
      int status = s instanceof Integer i ? i : response.getStatus() > 0 ? response.getStatus() : 500;
      Object m = request.getAttribute(ERROR_MESSAGE);
      String message = m == null ? HttpStatus.getMessage(status) : Echo.of(m.toString());
      JettyProbeHandler.write("GET", response, callback, HttpResponse.error(status, message));
      return true;
    }
  }

  /** Writes {@code r} without blocking; HEAD gets the headers only. */
  static void write(String method, Response response, Callback done, HttpResponse r) {
    response.setStatus(r.status());
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, r.contentType());
    h.put(HttpHeader.CACHE_CONTROL, "no-store");
    r.headers().forEach(h::put);
    h.put(HttpHeader.CONTENT_LENGTH, Integer.toString(r.body().length));
    boolean head = "HEAD".equalsIgnoreCase(method);
    response.write(true, head || r.body().length == 0 ? null : ByteBuffer.wrap(r.body()), done);
  }
}
