package dev.heal.examples.payments;

import java.time.Duration;

/**
 * The faults the demo switches on in payments-service: added latency, a share of 500 answers, or
 * a full outage (every request 503). Immutable.
 *
 * @param latency added to every request
 * @param errorRate share of requests answered 500, from 0 to 1
 * @param down whether every request is answered 503
 */
public record PaymentFaults(Duration latency, double errorRate, boolean down) {
  public static final PaymentFaults NONE = new PaymentFaults(Duration.ZERO, 0, false);

  public PaymentFaults {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    if (errorRate < 0 || errorRate > 1 || Double.isNaN(errorRate)) {
      throw new IllegalArgumentException("errorRate must be between 0 and 1: " + errorRate);
    }
  }
}
