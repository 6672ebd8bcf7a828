package dev.heal.chaos.junit;

import dev.heal.chaos.FaultSchedule;
import dev.heal.chaos.ScheduleGenerator;
import dev.heal.chaos.ScheduleShrinker;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The state of one {@code @ChaosProperty} method: tries, then shrinking, then the final rerun of the
 * minimal failing schedule. JUnit pulls invocations one at a time and runs each before pulling the
 * next, so {@link #hasNext()} sees the outcome of the previous invocation. Not thread-safe; used
 * from JUnit's single execution thread.
 */
final class PropertyRun implements Iterator<PropertyRun.Invocation> {

  enum Kind {
    TRY,
    SHRINK,
    FINAL
  }

  record Invocation(Kind kind, int index, long seed, FaultSchedule schedule) {}

  final long masterSeed;
  final String seedSource;
  final ChaosProperty annotation;
  private final ScheduleGenerator generator;
  private final ScheduleShrinker shrinker;
  private final SplittableRandom seeds;
  private Invocation current;
  private Invocation next;
  private boolean lastFailed;
  private boolean done;
  private int tries;
  private FaultSchedule failing;
  private FaultSchedule original;
  private long failingSeed;
  private int failingTry;
  private List<FaultSchedule> candidates = List.of();
  private int candidateIndex;
  private int shrinkTried;
  private int shrinkAccepted;

  PropertyRun(long masterSeed, String seedSource, ChaosProperty annotation, ScheduleGenerator generator) {
    this.masterSeed = masterSeed;
    this.seedSource = seedSource;
    this.annotation = annotation;
    this.generator = generator;
    this.shrinker = generator.shrinker();
    this.seeds = new SplittableRandom(masterSeed);
  }

  Invocation current() {
    return current;
  }

  void markFailed() {
    lastFailed = true;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      next = advance();
      if (next == null) {
        done = true;
      }
    }
    return next != null;
  }

  @Override
  public Invocation next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    current = next;
    next = null;
    lastFailed = false;
    return current;
  }

  private Invocation advance() {
    if (current != null) {
      switch (current.kind()) {
        case TRY -> {
          if (lastFailed) {
            failing = current.schedule();
            original = failing;
            failingSeed = current.seed();
            failingTry = current.index();
            candidates = shrinker.candidates(failing);
            candidateIndex = 0;
          }
        }
        case SHRINK -> {
          shrinkTried++;
          if (lastFailed) {
            failing = current.schedule();
            shrinkAccepted++;
            candidates = shrinker.candidates(failing);
            candidateIndex = 0;
          } else {
            candidateIndex++;
          }
        }
        case FINAL -> {
          return null;
        }
      }
    }
    if (failing == null) {
      if (tries >= annotation.tries()) {
        return null;
      }
      tries++;
      long seed = seeds.nextLong();
      return new Invocation(Kind.TRY, tries, seed, generator.generate(seed));
    }
    if (candidateIndex < candidates.size() && shrinkTried < annotation.maxShrinks()) {
      return new Invocation(Kind.SHRINK, shrinkTried + 1, failingSeed, candidates.get(candidateIndex));
    }
    return new Invocation(Kind.FINAL, 0, failingSeed, failing);
  }

  String rerunHint() {
    return "rerun with @ChaosProperty(seed = \"" + masterSeed + "\", ...) or -Dheal.chaos.seed=" + masterSeed
        + " (JUnit configuration parameter heal.chaos.seed)";
  }

  /** Whether the last failing schedule's neighbours were all tried and passed. */
  boolean oneMinimal() {
    return candidateIndex >= candidates.size();
  }

  String finalMessage() {
    return "heal chaos property failed. Minimal failing schedule (after " + shrinkAccepted + " shrink steps, "
        + shrinkTried + " candidates tried): " + failing.describe()
        + (oneMinimal() ? "\n  it is 1-minimal: no single removal, start or end trim, split or merge of it fails"
            : "\n  shrinking stopped at maxShrinks = " + annotation.maxShrinks() + ": it may not be minimal")
        + "\n  original failing schedule (try " + failingTry + ", try seed " + failingSeed + "): " + original.describe()
        + "\n  master seed " + masterSeed + " (" + seedSource + "); " + rerunHint();
  }
}
