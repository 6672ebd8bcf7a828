package dev.heal.core.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (Debian's {@code postgresql} package) in a temporary directory on a free port, for
 * the examples' integration tests: {@code initdb} with trust authentication for user {@code postgres},
 * then {@code pg_ctl start}/{@code stop} (both waiting until done). Run as root, it runs the server
 * as the {@code postgres} user ({@code runuser}), since PostgreSQL refuses to run as root. Without
 * PostgreSQL installed, {@link #create()} skips the test, or fails it where
 * {@code HEAL_REQUIRE_TOOLS=true} ({@link ExternalTools}). Not thread-safe: one test drives it.
 */
public final class TempPostgres implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final boolean root;
  private final int port;

  private TempPostgres(Path bin, Path dir, boolean root, int port) {
    this.bin = bin;
    this.dir = dir;
    this.root = root;
    this.port = port;
  }

  /** initdb in a new temporary directory (not started yet). */
  public static TempPostgres create() throws IOException, InterruptedException {
    Path bin = postgresBin();
    Path dir = Files.createTempDirectory("heal-pg");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      run(false, "chown", "-R", "postgres", dir.toString());
    }
    TempPostgres pg = new TempPostgres(bin, dir, root, freePort());
    run(root, bin.resolve("initdb").toString(), "-D", dir.resolve("db").toString(), "-U", "postgres", "--auth=trust");
    return pg;
  }

  /** Starts the server and waits (at most 30 s) until it accepts connections. */
  public TempPostgres start() throws IOException, InterruptedException {
    String opts = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1";
    run(root, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("db").toString(), "-o", opts, "-l",
        dir.resolve("pg.log").toString(), "-w", "-t", "30", "start");
    return this;
  }

  /** Stops the server (fast shutdown: open connections are closed) and waits until it is down. */
  public void stop() throws IOException, InterruptedException {
    run(root, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("db").toString(), "-m", "fast", "-w", "stop");
  }

  /** The TCP port it listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /**
   * The JDBC URL of database {@code postgres} (user {@code postgres}, no password) on {@code port},
   * with short connect (1 s) and socket (2 s) timeouts so that an outage fails calls quickly.
   */
  public static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=1&socketTimeout=2";
  }

  /** {@link #jdbcUrl(int)} of this server's own port. */
  public String jdbcUrl() {
    return jdbcUrl(port);
  }

  /** Stops the server if it runs (a stopped server is left as it is). */
  @Override
  public void close() throws IOException, InterruptedException {
    stop();
  }

  private static Path postgresBin() throws IOException {
    Path base = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        for (Path v : versions.sorted().toList()) {
          if (Files.isExecutable(v.resolve("bin/pg_ctl"))) {
            return v.resolve("bin");
          }
        }
      }
    }
    return ExternalTools.require("postgresql", "/usr/lib/postgresql/15/bin/pg_ctl", "pg_ctl").getParent();
  }

  private static void run(boolean asPostgres, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asPostgres) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    // pg_ctl stop answers non-zero when the server is not running: that is stopped, too.
    if (p.exitValue() != 0 && !cmd.contains("stop")) {
      throw new IOException("failed with " + p.exitValue() + ": " + cmd);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
