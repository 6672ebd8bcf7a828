package dev.heal.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** heal's threads: named {@code <prefix>-<n>}, daemon, so heal never keeps a JVM alive. Not API. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory for daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
