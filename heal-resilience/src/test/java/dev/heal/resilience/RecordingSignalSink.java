package dev.heal.resilience;

import dev.heal.core.healer.Signal;
import dev.heal.core.healer.SignalSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A fake healer: records every signal. */
final class RecordingSignalSink implements SignalSink {
  final List<Signal> signals = new CopyOnWriteArrayList<>();

  @Override
  public void accept(Signal signal) {
    signals.add(signal);
  }

  List<Signal> from(String source) {
    return signals.stream().filter(s -> s.source().equals(source)).toList();
  }
}
