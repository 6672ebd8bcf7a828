package dev.heal.chaos.junit;

import dev.heal.chaos.ChaosController;
import dev.heal.chaos.ChaosException;
import dev.heal.chaos.ChaosReport;
import dev.heal.chaos.ExperimentResult;
import dev.heal.chaos.FaultNeverFiredException;
import dev.heal.chaos.FaultReport;
import dev.heal.chaos.FaultSchedule;
import dev.heal.chaos.ScheduleGenerator;
import dev.heal.chaos.internal.EffectSpec;
import dev.heal.core.time.HealClock;
import dev.heal.core.time.ManualClock;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JUnit extension behind {@link ChaosTest} and {@link ChaosProperty}, built from JUnit's
 * single-purpose callbacks:
 *
 * <ul>
 *   <li>{@link BeforeEachCallback}: resolves the seed, creates the test's {@link ChaosController}
 *       (with a fresh {@link ManualClock} in virtual time) and keeps it in the store under this
 *       extension's namespace, where JUnit closes it as an {@link AutoCloseable}.
 *   <li>{@link ParameterResolver}: {@link ChaosController}, {@link ManualClock}, {@link HealClock},
 *       {@link Random}, and for properties {@link FaultSchedule}.
 *   <li>{@link TestExecutionExceptionHandler}: adds the seed, the faults and how to rerun to a
 *       failure; drives shrinking for properties.
 *   <li>{@link AfterEachCallback}: the effect guard, reports (JSON + SVG under {@code
 *       target/heal-chaos/}, attached with {@code publishReportEntry}), then disarms everything.
 *   <li>{@link TestTemplateInvocationContextProvider}: one invocation per generated schedule.
 * </ul>
 *
 * <p>Configuration parameters (or system properties): {@code heal.chaos.seed} (master seed),
 * {@code heal.chaos.reportDir} (default {@code target/heal-chaos}). Uses only API present in JUnit
 * 5.14 and JUnit 6. Thread-safe; state lives in the store.
 */
public final class ChaosExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler,
        TestTemplateInvocationContextProvider {

  /** Configuration parameter (or system property) holding the master seed. */
  public static final String SEED_PARAMETER = "heal.chaos.seed";
  /** Configuration parameter (or system property) for the report directory. */
  public static final String REPORT_DIR_PARAMETER = "heal.chaos.reportDir";

  private static final Logger log = LoggerFactory.getLogger(ChaosExtension.class);
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ChaosExtension.class);
  private static final String CONTROLLER = "controller";
  private static final String SETTINGS = "settings";
  private static final String PROPERTY = "property";

  record Settings(long seed, String seedSource, boolean verifyEffects, boolean virtualTime,
      Optional<PropertyRun.Invocation> invocation) {}

  // ---- lifecycle ------------------------------------------------------------------------------

  @Override
  public void beforeEach(ExtensionContext context) {
    Settings s = settings(context);
    HealClock clock = s.virtualTime() ? new ManualClock() : HealClock.system();
    ChaosController controller = ChaosController.builder().seed(s.seed()).clock(clock).build();
    ExtensionContext.Store store = context.getStore(NS);
    store.put(SETTINGS, s);
    store.put(CONTROLLER, controller);
    context.publishReportEntry("heal.chaos.seed", s.seed() + " (" + s.seedSource() + ")");
    s.invocation().ifPresent(i -> context.publishReportEntry("heal.chaos.schedule", i.schedule().describe()));
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    ExtensionContext.Store store = context.getStore(NS);
    ChaosController controller = store.get(CONTROLLER, ChaosController.class);
    Settings s = store.get(SETTINGS, Settings.class);
    if (controller == null || s == null) {
      return;
    }
    try {
      if (context.getExecutionException().isEmpty() && s.verifyEffects()) {
        try {
          controller.verifyEffects();
        } catch (FaultNeverFiredException e) {
          throw new FaultNeverFiredException(e.faults(), e.getMessage() + "\n" + rerun(context, s));
        }
      }
    } finally {
      for (FaultReport r : controller.faultReports()) {
        context.publishReportEntry("heal.chaos.fault." + r.fault().name(),
            "hits=" + r.hits() + " of " + r.opportunities() + " opportunities, " + r.fault().describe());
      }
      writeReports(context, controller.results());
      controller.close();
    }
    Optional<PropertyRun> run = propertyRun(context);
    if (run.isPresent() && context.getExecutionException().isEmpty()) {
      PropertyRun.Invocation i = run.get().current();
      if (i.kind() == PropertyRun.Kind.SHRINK) {
        throw new TestAbortedException("shrink candidate passes, discarded: " + i.schedule().describe());
      }
      if (i.kind() == PropertyRun.Kind.FINAL) {
        throw new AssertionError("heal chaos: the minimal schedule " + i.schedule().describe()
            + " no longer fails: the test is not deterministic for seed " + i.seed() + "; " + run.get().rerunHint());
      }
    }
  }

  private void writeReports(ExtensionContext context, List<ExperimentResult> results) {
    if (results.isEmpty()) {
      return;
    }
    Path dir = Path.of(context.getConfigurationParameter(REPORT_DIR_PARAMETER).orElse("target/heal-chaos"))
        .resolve(sanitize(context.getRequiredTestClass().getName()));
    String base = sanitize(context.getRequiredTestMethod().getName() + propertyRun(context)
        .map(r -> "-" + r.current().kind().name().toLowerCase() + r.current().index()).orElse(""));
    int n = 0;
    for (ExperimentResult r : results) {
      try {
        ChaosReport.Files files = ChaosReport.write(r, dir, base + "-" + (++n) + "-" + sanitize(r.name()));
        context.publishReportEntry("heal.chaos.report.json", files.json().toAbsolutePath().toString());
        context.publishReportEntry("heal.chaos.report.svg", files.svg().toAbsolutePath().toString());
      } catch (RuntimeException e) {
        log.warn("heal chaos: writing the report of '{}' failed", r.name(), e);
      }
    }
  }

  // ---- failures -------------------------------------------------------------------------------

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    ExtensionContext.Store store = context.getStore(NS);
    ChaosController controller = store.get(CONTROLLER, ChaosController.class);
    Settings s = store.get(SETTINGS, Settings.class);
    if (s == null || throwable instanceof TestAbortedException) {
      throw throwable;
    }
    String faults = controller == null ? "none" : controller.describeFaults();
    Optional<PropertyRun> run = propertyRun(context);
    if (run.isPresent()) {
      PropertyRun p = run.get();
      PropertyRun.Invocation i = p.current();
      p.markFailed();
      switch (i.kind()) {
        case TRY -> {
          // Reported once, as the final invocation's failure: a failing try always ends in one.
          log.error("heal chaos: try {} failed, shrinking: {}", i.index(), i.schedule().describe());
          throw new TestAbortedException("heal chaos: try " + i.index() + " failed with schedule "
              + i.schedule().describe() + " (try seed " + i.seed() + ", master seed " + p.masterSeed
              + "); shrinking follows and the minimal failing schedule is reported as the failure. " + p.rerunHint()
              + "\nFaults armed: " + faults, throwable);
        }
        case SHRINK -> throw new TestAbortedException("shrink candidate still fails, kept: " + i.schedule().describe());
        case FINAL -> {
          String message = p.finalMessage() + "\n  faults armed in this rerun: " + faults;
          AssertionError e = new AssertionError(message, throwable);
          log.error("{}", message);
          throw e;
        }
      }
    }
    Reproduction r = new Reproduction(rerun(context, s) + " Faults armed: " + faults);
    log.error("{}", r.getMessage());
    throwable.addSuppressed(r);
    throw throwable;
  }

  /** The seed and the exact rerun instruction, for every failure. */
  private static String rerun(ExtensionContext context, Settings s) {
    Optional<PropertyRun> run = propertyRun(context);
    if (run.isPresent()) {
      return "heal chaos: this invocation ran with seed " + s.seed() + " (" + s.seedSource() + "); "
          + run.get().rerunHint() + ".";
    }
    return "heal chaos: this test ran with seed " + s.seed() + " (" + s.seedSource()
        + "). Rerun exactly: @ChaosTest(seed = \"" + s.seed() + "\") or -D" + SEED_PARAMETER + "=" + s.seed()
        + " (JUnit configuration parameter " + SEED_PARAMETER + ").";
  }

  /** Carries the reproduction hint as a suppressed exception; no stack trace. */
  static final class Reproduction extends ChaosException {
    private static final long serialVersionUID = 1L;

    Reproduction(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  // ---- parameters -----------------------------------------------------------------------------

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> t = pc.getParameter().getType();
    if (t == FaultSchedule.class) {
      return isProperty(ec);
    }
    return t == ChaosController.class || t == ManualClock.class || t == HealClock.class || t == Random.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> t = pc.getParameter().getType();
    ChaosController c = ec.getStore(NS).get(CONTROLLER, ChaosController.class);
    if (c == null) {
      throw new ParameterResolutionException("heal chaos: " + t.getSimpleName()
          + " is available to @ChaosTest/@ChaosProperty methods and @BeforeEach/@AfterEach methods, not constructors");
    }
    if (t == ChaosController.class) {
      return c;
    }
    if (t == Random.class) {
      return c.random();
    }
    if (t == FaultSchedule.class) {
      return propertyRun(ec).orElseThrow().current().schedule();
    }
    if (t == ManualClock.class && !(c.clock() instanceof ManualClock)) {
      throw new ParameterResolutionException("heal chaos: a ManualClock parameter needs virtualTime = true");
    }
    return c.clock();
  }

  // ---- property template ----------------------------------------------------------------------

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, ChaosProperty.class)).isPresent();
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    Method m = context.getRequiredTestMethod();
    ChaosProperty a = AnnotationSupport.findAnnotation(m, ChaosProperty.class).orElseThrow();
    if (a.tries() < 1) {
      throw new ChaosException("@ChaosProperty tries must be >= 1 on " + m);
    }
    ScheduleGenerator generator = ScheduleGenerator.builder()
        .targets(a.targets())
        .effects(Arrays.stream(a.effects()).map(EffectSpec::parse).toList())
        .faults(a.minFaults(), a.maxFaults())
        .faultDuration(EffectSpec.duration(a.minFaultDuration()), EffectSpec.duration(a.maxFaultDuration()))
        .horizon(EffectSpec.duration(a.horizon()))
        .granularity(EffectSpec.duration(a.granularity()))
        .build();
    Seed seed = seed(a.seed(), context);
    PropertyRun run = new PropertyRun(seed.value, seed.source, a, generator);
    context.getStore(NS).put(PROPERTY, run);
    Spliterator<PropertyRun.Invocation> sp = Spliterators.spliteratorUnknownSize(run, Spliterator.ORDERED);
    return StreamSupport.stream(sp, false).map(i -> new TestTemplateInvocationContext() {
      @Override
      public String getDisplayName(int invocationIndex) {
        return switch (i.kind()) {
          case TRY -> "try " + i.index() + " [seed " + i.seed() + "] " + i.schedule().describe();
          case SHRINK -> "shrink " + i.index() + ": " + i.schedule().describe();
          case FINAL -> "minimal failing schedule: " + i.schedule().describe();
        };
      }
    });
  }

  // ---- helpers --------------------------------------------------------------------------------

  private boolean isProperty(ExtensionContext context) {
    return propertyRun(context).isPresent();
  }

  private static Optional<PropertyRun> propertyRun(ExtensionContext context) {
    // The run lives in the template method's context, the parent of each invocation's context.
    return context.getParent().map(p -> p.getStore(NS).get(PROPERTY, PropertyRun.class))
        .filter(r -> r.current() != null && context.getTestMethod().isPresent());
  }

  private Settings settings(ExtensionContext context) {
    Optional<PropertyRun> run = propertyRun(context);
    if (run.isPresent()) {
      PropertyRun p = run.get();
      return new Settings(p.current().seed(), "try seed from master seed " + p.masterSeed + ", " + p.seedSource,
          p.annotation.verifyEffects(), p.annotation.virtualTime(), Optional.of(p.current()));
    }
    ChaosTest a = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, ChaosTest.class))
        .orElse(null);
    Seed seed = seed(a == null ? "" : a.seed(), context);
    return new Settings(seed.value, seed.source, a == null || a.verifyEffects(), a == null || a.virtualTime(),
        Optional.empty());
  }

  private record Seed(long value, String source) {}

  private static Seed seed(String attribute, ExtensionContext context) {
    if (!attribute.isBlank()) {
      return new Seed(parseSeed(attribute, "the annotation's seed attribute"), "from the annotation");
    }
    Optional<String> param = context.getConfigurationParameter(SEED_PARAMETER);
    if (param.isPresent() && !param.get().isBlank()) {
      return new Seed(parseSeed(param.get(), SEED_PARAMETER), "from " + SEED_PARAMETER);
    }
    return new Seed(ThreadLocalRandom.current().nextLong(), "random");
  }

  private static long parseSeed(String text, String where) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new ChaosException("heal chaos: " + where + " must be a decimal long, got '" + text + "'", e);
    }
  }

  private static String sanitize(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
