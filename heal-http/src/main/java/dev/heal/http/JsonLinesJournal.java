package dev.heal.http;

import dev.heal.core.healer.HealEvent;
import dev.heal.core.healer.HealerListener;
import dev.heal.http.internal.EpisodeJson;
import dev.heal.http.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable audit trail: appends every closed episode as one JSON line (the format of
 * {@code /heal/episodes}) to a file. A write that fails (full disk, unwritable path) is
 * counted and logged once per failure streak; it never stops healing.
 *
 * <p>Register with {@code healer.addListener(new JsonLinesJournal(path))}. Thread-safe. Each line
 * is written with one {@code write} call in append mode, so lines from one process do not
 * interleave.
 */
public final class JsonLinesJournal implements HealerListener {
  private static final Logger log = LoggerFactory.getLogger(JsonLinesJournal.class);
  private final Path path;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private volatile boolean failing;

  public JsonLinesJournal(Path path) {
    this.path = path;
  }

  @Override
  public void onEvent(HealEvent event) {
    if (event.type() != HealEvent.Type.EPISODE_CLOSED || event.episode().isEmpty()) {
      return;
    }
    try {
      byte[] line = (Json.MAPPER.writeValueAsString(EpisodeJson.of(event.episode().get())) + "\n")
          .getBytes(StandardCharsets.UTF_8);
      Files.write(path, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      written.incrementAndGet();
      if (failing) {
        failing = false;
        log.info("heal: journal file {} is writable again", path);
      }
    } catch (IOException | RuntimeException e) {
      failures.incrementAndGet();
      if (!failing) {
        failing = true;
        log.warn("heal: cannot append to journal file {} ({}); healing continues, episodes stay in memory",
            path, e.toString());
      }
    }
  }

  /** Lines that could not be written. */
  public long failures() {
    return failures.get();
  }

  /** Lines written. */
  public long written() {
    return written.get();
  }

  public Path path() {
    return path;
  }
}
