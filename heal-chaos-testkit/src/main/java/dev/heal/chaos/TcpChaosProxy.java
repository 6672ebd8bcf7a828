package dev.heal.chaos;

import dev.heal.core.time.HealClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy inside the test JVM, in front of a real server (a database, an HTTP service): point
 * the client at {@link #address()} instead of the server, then arm network faults on the proxy's
 * name through its {@link ChaosController}: {@link Effect.NetworkLatency} (with jitter), {@link
 * Effect.Bandwidth}, {@link Effect.Reset}, {@link Effect.Blackhole}, {@link Effect.Slice}, {@link
 * Effect.Refuse}, {@link Effect.CloseAfter}, each {@link Direction#UPSTREAM} (client to server),
 * {@link Direction#DOWNSTREAM} or both. Faults are evaluated per chunk read (up to 16 KiB), so
 * arming one affects open connections from their next chunk; {@link #dropConnections()} resets
 * pooled connections so they cannot bypass a fault.
 *
 * <p>Latency has netem's meaning: each chunk leaves {@code latency} (± jitter) after it arrived,
 * while later chunks are already on their way, so a transfer takes the latency once and its
 * throughput is unchanged (256 KiB through 50 ms arrive after about 50 ms, not 16 × 50 ms). Order
 * is kept: a chunk never overtakes the one before it. Bandwidth and slicing pace the bytes after
 * that delay. Up to 1 MiB per direction is held in flight; beyond that the proxy stops reading, as a
 * full socket buffer would.
 *
 * <p>Plain JDK sockets: per connection and direction a reader thread that forwards undelayed
 * bytes itself, plus a writer thread started once a chunk has to wait (latency, bandwidth,
 * slicing); one acceptor. Network faults work in real time (the system
 * clock), whatever clock the controller uses. Listens on 127.0.0.1 only.
 *
 * <p>Thread-safe. Close it (or its controller) to stop listening and close every connection.
 */
public final class TcpChaosProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpChaosProxy.class);
  private static final AtomicInteger OPEN = new AtomicInteger();
  private static final int CHUNK = 16 * 1024;
  /** Chunks buffered per direction (1 MiB): the reader waits beyond this, like a full socket buffer. */
  private static final int QUEUED_CHUNKS = 64;
  private static final long POLL_MILLIS = 50;

  private final String name;
  private final InetSocketAddress upstream;
  private final ChaosController controller;
  private final ServerSocket server;
  private final Set<Conn> conns = ConcurrentHashMap.newKeySet();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HealClock realTime = HealClock.system();

  private TcpChaosProxy(String name, InetSocketAddress upstream, ChaosController controller) throws IOException {
    this.name = name;
    this.upstream = upstream;
    this.controller = controller;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    Thread t = new Thread(this::acceptLoop, "heal-chaos-proxy-" + name + "-accept");
    t.setDaemon(true);
    OPEN.incrementAndGet();
    t.start();
  }

  static TcpChaosProxy start(String name, InetSocketAddress upstream, ChaosController controller) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    try {
      return new TcpChaosProxy(name, upstream, controller);
    } catch (IOException e) {
      throw new ChaosException("cannot open TCP chaos proxy '" + name + "': " + e.getMessage(), e);
    }
  }

  /** Proxies open in this JVM; for leak checks. */
  public static int openProxies() {
    return OPEN.get();
  }

  /** The fault target name. */
  public String name() {
    return name;
  }

  /** Where clients connect: 127.0.0.1 and an ephemeral port. */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  public String host() {
    return server.getInetAddress().getHostAddress();
  }

  public int port() {
    return server.getLocalPort();
  }

  public InetSocketAddress upstream() {
    return upstream;
  }

  /** Connections currently open through the proxy. */
  public int openConnections() {
    return conns.size();
  }

  /** Connections accepted so far. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Bytes forwarded client to server. */
  public long bytesUpstream() {
    return bytesUp.get();
  }

  /** Bytes forwarded server to client. */
  public long bytesDownstream() {
    return bytesDown.get();
  }

  /** Resets every open connection (the client sees a reset); new ones are accepted as usual. */
  public void dropConnections() {
    for (Conn c : conns) {
      c.reset();
    }
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Stops listening and closes every connection. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      log.debug("heal chaos: closing proxy socket failed", e);
    }
    for (Conn c : conns) {
      c.close();
    }
    OPEN.decrementAndGet();
  }

  @Override
  public String toString() {
    return "TcpChaosProxy[" + name + " " + host() + ":" + port() + " -> " + upstream + "]";
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          log.warn("heal chaos: proxy '{}' stopped accepting", name, e);
        }
        return;
      }
      accepted.incrementAndGet();
      boolean refuse = false;
      for (ArmedFault a : controller.network(name)) {
        Effect e = a.effect();
        if ((e instanceof Effect.Refuse || e instanceof Effect.Reset) && a.fires()) {
          refuse = true;
        }
      }
      if (refuse) {
        resetQuietly(client);
        continue;
      }
      Socket up = new Socket();
      try {
        client.setTcpNoDelay(true);
        up.setTcpNoDelay(true);
        up.connect(upstream, 5_000);
      } catch (IOException e) {
        log.debug("heal chaos: proxy '{}' cannot reach {}: {}", name, upstream, e.toString());
        resetQuietly(client);
        closeQuietly(up);
        continue;
      }
      Conn c = new Conn(client, up);
      conns.add(c);
      if (closed.get()) {
        c.close();
        return;
      }
      c.start();
    }
  }

  private void parkUntil(long deadline, Conn c) {
    long left;
    while (!c.closed.get() && (left = deadline - realTime.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  /**
   * One chunk on its way through the proxy: the bytes, when they may leave (arrival + latency, as
   * netem delays each packet), and how to pace them. {@code last} closes the connection after it;
   * {@code eof} half-closes the other side.
   */
  private record Chunk(byte[] data, int length, long releaseAt, long bytesPerSecond, int slice, long sliceDelay,
      boolean last, boolean eof) {
    boolean needsWriter() {
      return bytesPerSecond > 0 || slice > 0;
    }
  }

  private static final Chunk STOP = new Chunk(new byte[0], 0, 0, 0, 0, 0, false, false);

  private final class Conn {
    final Socket client;
    final Socket up;
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicInteger pumpsDone = new AtomicInteger();
    final List<Flow> flows = new java.util.concurrent.CopyOnWriteArrayList<>();

    Conn(Socket client, Socket up) {
      this.client = client;
      this.up = up;
    }

    void start() {
      try {
        start(new Flow(Direction.UPSTREAM, client.getInputStream(), up.getOutputStream(), up));
        start(new Flow(Direction.DOWNSTREAM, up.getInputStream(), client.getOutputStream(), client));
      } catch (IOException e) {
        close();
      }
    }

    void start(Flow f) {
      flows.add(f);
      Thread r = new Thread(f::read, "heal-chaos-proxy-" + name + "-" + f.flow.name().toLowerCase(Locale.ROOT));
      r.setDaemon(true);
      r.start();
    }

    /**
     * One direction. Its reader times and judges each chunk; a chunk that needs no delay or pacing,
     * with nothing queued before it, is written at once by the reader. Others go to a writer thread
     * (started on first need) that releases each chunk at its time, so later chunks travel while an
     * earlier one waits: latency delays bytes without capping throughput.
     */
    final class Flow {
      final Direction flow;
      final InputStream in;
      final OutputStream out;
      final Socket outSocket;
      final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
      final AtomicInteger queued = new AtomicInteger(); // enqueued and not yet fully written
      final AtomicLong total;
      boolean writerStarted; // reader thread only

      Flow(Direction flow, InputStream in, OutputStream out, Socket outSocket) {
        this.flow = flow;
        this.in = in;
        this.out = out;
        this.outSocket = outSocket;
        this.total = flow == Direction.UPSTREAM ? bytesUp : bytesDown;
      }

      void read() {
        Map<ArmedFault, Long> counted = new HashMap<>();
        try {
          while (!closed.get()) {
            byte[] buf = new byte[CHUNK];
            int n = in.read(buf);
            if (n < 0) {
              pass(new Chunk(buf, 0, realTime.nanoTime(), 0, 0, 0, false, true));
              return;
            }
            long arrival = realTime.nanoTime();
            boolean drop = false;
            boolean closeAfter = false;
            long delay = 0;
            long bps = 0;
            int slice = 0;
            long sliceDelay = 0;
            int limit = n;
            for (ArmedFault a : controller.network(name)) {
              Effect e = a.effect();
              if (e instanceof Effect.Reset) {
                if (a.fires()) {
                  reset();
                  return;
                }
              } else if (e instanceof Effect.Blackhole b && b.direction().covers(flow)) {
                drop |= a.fires();
              } else if (e instanceof Effect.NetworkLatency l && l.direction().covers(flow)) {
                if (a.fires()) {
                  long j = l.jitter().toNanos();
                  delay += l.latency().toNanos() + (j == 0 ? 0 : a.nextLong(2 * j + 1) - j);
                }
              } else if (e instanceof Effect.Bandwidth bw && bw.direction().covers(flow)) {
                if (a.fires()) {
                  bps = bps == 0 ? bw.bytesPerSecond() : Math.min(bps, bw.bytesPerSecond());
                }
              } else if (e instanceof Effect.Slice sl && sl.direction().covers(flow)) {
                if (a.fires()) {
                  slice = sl.bytes();
                  sliceDelay = sl.delay().toNanos();
                }
              } else if (e instanceof Effect.CloseAfter ca && ca.direction().covers(flow)) {
                long before = counted.getOrDefault(a, 0L);
                long remaining = ca.bytes() - before;
                if (n >= remaining && a.fires()) {
                  limit = (int) Math.min(limit, Math.max(0, remaining));
                  closeAfter = true;
                }
                counted.put(a, before + n);
              }
            }
            if (drop) {
              continue;
            }
            pass(new Chunk(buf, limit, arrival + Math.max(0, delay), bps, slice, sliceDelay, closeAfter, false));
            if (closeAfter) {
              return;
            }
          }
        } catch (IOException e) {
          log.debug("heal chaos: proxy '{}' {} reader ended: {}", name, flow, e.toString());
          close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close();
        }
      }

      /** Writes {@code c} now if nothing waits before it and it needs no waiting, else queues it. */
      void pass(Chunk c) throws IOException, InterruptedException {
        if (queued.get() == 0 && c.releaseAt() <= realTime.nanoTime() && !c.needsWriter()) {
          deliver(c); // only the reader writes while nothing is queued: order is kept
          return;
        }
        if (!writerStarted) {
          writerStarted = true;
          Thread w = new Thread(this::write, "heal-chaos-proxy-" + name + "-" + flow.name().toLowerCase(Locale.ROOT)
              + "-delayed");
          w.setDaemon(true);
          w.start();
        }
        queued.incrementAndGet();
        while (!closed.get() && !queue.offer(c, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          // full: the writer is pacing (bandwidth, slicing); wait, as a full socket buffer would
        }
      }

      void write() {
        try {
          while (!closed.get()) {
            Chunk c = queue.take();
            if (c == STOP) {
              return;
            }
            parkUntil(c.releaseAt(), Conn.this);
            deliver(c);
            queued.decrementAndGet();
          }
        } catch (IOException e) {
          log.debug("heal chaos: proxy '{}' {} writer ended: {}", name, flow, e.toString());
          close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close();
        }
      }

      void deliver(Chunk c) throws IOException {
        if (c.eof()) {
          halfClose(outSocket);
          if (pumpsDone.incrementAndGet() == 2) {
            close();
          }
          return;
        }
        int piece = c.slice() > 0 ? c.slice()
            : c.bytesPerSecond() > 0 ? (int) Math.max(1, Math.min(CHUNK, c.bytesPerSecond() / 20))
            : Math.max(1, c.length());
        for (int off = 0; off < c.length() && !closed.get(); off += piece) {
          int len = Math.min(piece, c.length() - off);
          long t0 = realTime.nanoTime();
          out.write(c.data(), off, len);
          out.flush();
          total.addAndGet(len);
          if (c.bytesPerSecond() > 0) {
            parkUntil(t0 + len * 1_000_000_000L / c.bytesPerSecond(), Conn.this);
          }
          if (c.slice() > 0 && off + len < c.length()) {
            parkUntil(realTime.nanoTime() + c.sliceDelay(), Conn.this);
          }
        }
        if (c.last()) {
          close();
        }
      }
    }

    void halfClose(Socket s) {
      try {
        if (!s.isClosed()) {
          s.shutdownOutput();
        }
      } catch (IOException e) {
        close();
      }
    }

    void reset() {
      if (closed.compareAndSet(false, true)) {
        resetQuietly(client);
        resetQuietly(up);
        conns.remove(this);
        stopWriters();
      }
    }

    void close() {
      if (closed.compareAndSet(false, true)) {
        closeQuietly(client);
        closeQuietly(up);
        conns.remove(this);
        stopWriters();
      }
    }

    private void stopWriters() {
      for (Flow f : flows) {
        f.queue.clear();
        f.queue.offer(STOP);
      }
    }
  }

  private static void resetQuietly(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed: nothing to reset
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing: nothing more to do
    }
  }
}
