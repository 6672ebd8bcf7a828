package dev.heal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.heal.core.healer.Signal;
import dev.heal.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Random and mutated bodies: nothing escapes, every bad body gets 400, nothing runs for it. */
class AlertmanagerFuzzTest {
  private final List<Signal> received = new ArrayList<>();
  private final AlertmanagerReceiver receiver = AlertmanagerReceiver.builder(received::add)
      .bearerToken(AlertmanagerReceiverTest.TOKEN).clock(new ManualClock()).build();

  @Test
  void randomBodiesAreRejectedWith400() {
    qt().withFixedSeed(1L).withExamples(3000).forAll(strings().allPossible().ofLengthBetween(0, 300))
        .checkAssert(body -> {
          received.clear();
          HttpResponse r = receiver.handle(AlertmanagerReceiverTest.post(AlertmanagerReceiverTest.TOKEN, body));
          assertThat(r.status()).as("body %s", body).isIn(202, 400);
          if (r.status() == 400) {
            assertThat(received).isEmpty();
            assertThat(AlertmanagerReceiverTest.error(r)).isNotBlank();
          }
        });
  }

  /** Mutations of a valid payload: deletions, insertions and byte flips at random places. */
  @Test
  void mutatedPayloadsNeverEscapeAndNeverHalfRun() {
    byte[] valid = AlertmanagerReceiverTest.VALID.getBytes(StandardCharsets.UTF_8);
    qt().withFixedSeed(2L).withExamples(5000)
        .forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 6), integers().between(0, 2))
        .checkAssert((positions, kind) -> {
          StringBuilder b = new StringBuilder(new String(valid, StandardCharsets.UTF_8));
          for (int p : positions) {
            int at = Math.floorMod(p, Math.max(1, b.length()));
            switch (kind) {
              case 0 -> b.deleteCharAt(at);
              case 1 -> b.insert(at, "\"{[]}:,0x\\".charAt(Math.floorMod(p, 10)));
              default -> b.setCharAt(at, (char) (b.charAt(at) ^ (1 + Math.floorMod(p, 31))));
            }
          }
          received.clear();
          HttpResponse r = receiver.handle(AlertmanagerReceiverTest.post(AlertmanagerReceiverTest.TOKEN, b.toString()));
          assertThat(r.status()).isIn(202, 400);
          if (r.status() == 400) {
            assertThat(received).as("nothing runs for a rejected body").isEmpty();
          } else {
            assertThat(received).hasSize(2);
          }
        });
  }
}
