package dev.heal.http;

/**
 * One endpoint served by a {@link ProbeHandler}: the probes, {@code /health}, and the endpoints
 * other parts of heal add (the journal, the Alertmanager receiver). Implementations must be
 * thread-safe and must not block for long; a thrown exception becomes a 500 with a generic
 * message (the exception is logged, never sent to the client).
 */
@FunctionalInterface
public interface HealEndpoint {
  HttpResponse handle(HttpRequest request) throws Exception;
}
