package dev.heal.http.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;

/**
 * Closes connections that take too long to deliver a request head or a body: the defence against
 * clients that trickle bytes (which an idle timeout never catches, since they are never idle).
 * A head's deadline starts at the first sweep that sees a byte of it (so between 0 and one sweep
 * period after that byte arrived); if the head is still not complete when it passes, the
 * connection is closed. A connection that sends nothing is left to the idle timeout. A body deadline starts
 * when a body read begins. One sweeper thread checks every connection a few times per deadline.
 * Thread-safe. Not API.
 */
public final class Deadlines implements Connection.Listener, AutoCloseable {
  private final long headNanos;
  private final long bodyNanos;
  private final Map<Connection, Tracker> open = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;
  private volatile long closedSlow;

  /** Per connection: what it is doing and until when it may. */
  public final class Tracker {
    private final Connection connection;
    /** Deadline in System.nanoTime terms; Long.MAX_VALUE while an endpoint works on a request. */
    private volatile long deadline;
    private volatile long bytesAtIdle;
    private volatile boolean inBody;

    Tracker(Connection connection) {
      this.connection = connection;
      this.deadline = System.nanoTime() + headNanos;
      this.bytesAtIdle = 0;
    }

    /** A head is complete and handed to the handler. */
    void started() {
      deadline = Long.MAX_VALUE;
    }

    /** The handler is reading a body. */
    public void readingBody() {
      inBody = true;
      deadline = System.nanoTime() + bodyNanos;
    }

    /** The body is read (or refused). */
    public void bodyRead() {
      inBody = false;
      deadline = Long.MAX_VALUE;
    }

    /** The response is complete: wait for the next head. */
    public void ended() {
      inBody = false;
      bytesAtIdle = connection.getBytesIn();
      deadline = System.nanoTime() + headNanos;
    }

    void check(long now) {
      long d = deadline;
      if (d == Long.MAX_VALUE) {
        return;
      }
      if (!inBody && connection.getBytesIn() == bytesAtIdle) {
        // No byte of a next head yet (idle between requests, or since opening): the idle timeout's
        // business. The head's window starts at the first sweep that sees its bytes.
        deadline = now + headNanos;
        return;
      }
      if (now - d >= 0) {
        closedSlow++;
        connection.getEndPoint().close();
      }
    }
  }

  /**
   * @param headMillis the longest a request head may take to arrive, once begun
   * @param bodyMillis the longest a request body may take to arrive
   */
  public Deadlines(long headMillis, long bodyMillis) {
    this.headNanos = TimeUnit.MILLISECONDS.toNanos(headMillis);
    this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(bodyMillis);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(dev.heal.core.internal.DaemonThreads.named("heal-http-deadlines"));
    long every = Math.max(50, Math.min(headMillis, bodyMillis) / 4);
    sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Tracker t : open.values()) {
      try {
        t.check(now);
      } catch (RuntimeException e) {
        // A connection closing under us: nothing to do.
      }
    }
  }

  @Override
  public void onOpened(Connection connection) {
    open.put(connection, new Tracker(connection));
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
  }

  /** The tracker of {@code connection}, marked as handling a request. */
  public Tracker started(Connection connection) {
    Tracker t = open.computeIfAbsent(connection, Tracker::new);
    t.started();
    return t;
  }

  /** Connections closed because a head or body took too long. */
  public long closedSlow() {
    return closedSlow;
  }

  /** Connections open now. */
  public int open() {
    return open.size();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
