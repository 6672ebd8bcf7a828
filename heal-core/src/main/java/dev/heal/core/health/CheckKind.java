package dev.heal.core.health;

/** Which Kubernetes probe a check feeds. */
public enum CheckKind {
  /** {@code /livez}: is the process itself wedged? DOWN makes the kubelet restart the container. */
  LIVENESS,
  /** {@code /readyz}: should this instance receive traffic now? */
  READINESS,
  /** {@code /startupz}: has the instance finished starting? Latches UP once reached. */
  STARTUP;

  /** The probe path this kind is served on. */
  public String path() {
    return switch (this) {
      case LIVENESS -> "/livez";
      case READINESS -> "/readyz";
      case STARTUP -> "/startupz";
    };
  }
}
