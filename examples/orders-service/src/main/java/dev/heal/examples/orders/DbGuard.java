package dev.heal.examples.orders;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.SQLException;

/**
 * Runs database calls, through heal-resilience's "database" circuit breaker when heal protects the
 * service (so a dead database fails fast instead of holding every request for the pool's
 * connection timeout), or directly when it does not. Thread-safe.
 */
final class DbGuard {
  /** A database call. */
  @FunctionalInterface
  interface SqlCall<T> {
    T call() throws SQLException;
  }

  private final CircuitBreaker breaker;

  private DbGuard(CircuitBreaker breaker) {
    this.breaker = breaker;
  }

  static DbGuard direct() {
    return new DbGuard(null);
  }

  static DbGuard with(CircuitBreaker breaker) {
    return new DbGuard(breaker);
  }

  <T> T call(SqlCall<T> call) throws SQLException {
    if (breaker == null) {
      return call.call();
    }
    try {
      return breaker.executeCallable(call::call);
    } catch (SQLException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new SQLException(e);
    }
  }

  void run(SqlCall<?> call) throws SQLException {
    call(call);
  }
}
