package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionContext;
import dev.heal.core.healer.ActionResult;
import dev.heal.core.healer.Episode;
import dev.heal.core.healer.Healer;
import dev.heal.core.healer.RecoveryPlan;
import dev.heal.core.healer.StepRecord;
import dev.heal.core.healer.Trigger;
import dev.heal.resilience.Fallback;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@link HealAction} methods as Actions plans use, and every way a wrong one fails the startup. */
class HealActionTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HealAutoConfiguration.class, HealAopAutoConfiguration.class))
      .withPropertyValues("heal.cooldown=0s");

  /** A pool with two actions; a class with a heal annotation too, so Spring proxies it. */
  public static class Pool {
    final AtomicInteger reconnects = new AtomicInteger();
    volatile ActionContext seen;

    @HealAction("reconnect-pool")
    public void reconnect() {
      reconnects.incrementAndGet();
    }

    @HealAction(value = "flush-cache", supportsDryRun = true, disruptive = true)
    public ActionResult flush(ActionContext context) {
      seen = context;
      return context.dryRun() ? ActionResult.dryRun("would flush") : ActionResult.succeeded("flushed 3 entries");
    }

    @HealAction("always-fails")
    public void fail() throws Exception {
      throw new java.io.IOException("pool refused: too many connections");
    }

    @Fallback("offline")
    public String query() {
      throw new IllegalStateException("down");
    }

    public String offline(Throwable t) {
      return "offline";
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Plans {
    @Bean
    Pool pool() {
      return new Pool();
    }

    /** Takes the action by qualifier. */
    @Bean
    RecoveryPlan reconnect(@Qualifier("reconnect-pool") Action reconnect) {
      return RecoveryPlan.when(Trigger.signal("pool-broken")).named("reconnect").then(reconnect)
          .verifyWithin(Duration.ofMinutes(1)).build();
    }

    /** Looks the actions up by name. */
    @Bean
    RecoveryPlan flush(HealActions actions) {
      return RecoveryPlan.when(Trigger.signal("cache-stale")).named("flush").then(actions.require("flush-cache"))
          .verifyWithin(Duration.ofMinutes(1)).build();
    }

    @Bean
    RecoveryPlan failing(HealActions actions) {
      return RecoveryPlan.when(Trigger.signal("hopeless")).named("failing").then(actions.require("always-fails"))
          .verifyWithin(Duration.ofMinutes(1)).build();
    }
  }

  private static StepRecord firstFinishedStep(Healer h, String plan) {
    await().atMost(Duration.ofSeconds(5)).until(() -> h.journal().recent(20).stream()
        .filter(e -> e.plan().equals(plan)).flatMap(e -> e.steps().stream()).anyMatch(s -> s.status().isPresent()));
    return h.journal().recent(20).stream().filter(e -> e.plan().equals(plan)).map(Episode::steps)
        .flatMap(List::stream).filter(s -> s.status().isPresent()).findFirst().orElseThrow();
  }

  @Test
  void aPlanRunsAnAnnotatedMethodThroughTheBean() {
    runner.withUserConfiguration(Plans.class).run(c -> {
      assertThat(c).hasNotFailed();
      Healer h = c.getBean(Healer.class);
      Pool pool = c.getBean(Pool.class);
      assertThat(AopUtils.isAopProxy(pool)).as("heal's @Fallback proxies the bean").isTrue();
      Pool target = (Pool) org.springframework.aop.framework.AopProxyUtils.getSingletonTarget(pool);
      h.raise("pool-broken", "connections reset");
      StepRecord s = firstFinishedStep(h, "reconnect");
      assertThat(s.action()).isEqualTo("reconnect-pool");
      assertThat(s.status()).contains(ActionResult.Status.SUCCEEDED);
      assertThat(target.reconnects).hasValue(1);
    });
  }

  @Test
  void aMethodTakingTheContextGetsItAndItsResultIsJournaled() {
    runner.withUserConfiguration(Plans.class).run(c -> {
      Healer h = c.getBean(Healer.class);
      h.raise("cache-stale", "stale entries");
      StepRecord s = firstFinishedStep(h, "flush");
      assertThat(s.status()).contains(ActionResult.Status.SUCCEEDED);
      assertThat(s.message()).isEqualTo("flushed 3 entries");
      Pool target = (Pool) org.springframework.aop.framework.AopProxyUtils.getSingletonTarget(c.getBean(Pool.class));
      assertThat(target.seen.step()).isEqualTo("flush-cache");
      Action a = c.getBean(HealActions.class).require("flush-cache");
      assertThat(a.supportsDryRun()).isTrue();
      assertThat(a.disruptive()).isTrue();
      assertThat(c.getBean(HealActions.class).require("reconnect-pool").supportsDryRun()).isFalse();
    });
  }

  @Test
  void whatTheMethodThrowsMakesTheAttemptFailedWithItsMessage() {
    runner.withUserConfiguration(Plans.class).run(c -> {
      Healer h = c.getBean(Healer.class);
      h.raise("hopeless", "nothing works");
      StepRecord s = firstFinishedStep(h, "failing");
      assertThat(s.status()).contains(ActionResult.Status.FAILED);
      assertThat(s.message()).contains("pool refused: too many connections");
    });
  }

  @Test
  void theActionsAreBeansByQualifierAndInHealActions() {
    runner.withUserConfiguration(Plans.class).run(c -> {
      assertThat(c.getBeansOfType(Action.class)).containsOnlyKeys("healAction.reconnect-pool",
          "healAction.flush-cache", "healAction.always-fails");
      assertThat(c.getBean(HealActions.class).names()).containsExactly("always-fails", "flush-cache", "reconnect-pool");
      assertThat(c.getBean(Healer.class).plans()).hasSize(3);
    });
  }

  @Test
  void aMissingActionNamedInHealActionsFailsNamingTheOnesThatExist() {
    runner.withUserConfiguration(MissingByName.class).run(c -> assertThat(c).hasFailed().getFailure().rootCause()
        .hasMessageContaining("no @HealAction method is named 'reconect-pool'")
        .hasMessageContaining("reconnect-pool").hasMessageContaining("Pool.reconnect()"));
  }

  @Configuration(proxyBeanMethods = false)
  static class MissingByName {
    @Bean
    Pool pool() {
      return new Pool();
    }

    @Bean
    RecoveryPlan typo(HealActions actions) {
      return RecoveryPlan.when(Trigger.signal("x")).then(actions.require("reconect-pool")).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class MissingByQualifier {
    @Bean
    Pool pool() {
      return new Pool();
    }

    @Bean
    RecoveryPlan typo(@Qualifier("reconect-pool") Action a) {
      return RecoveryPlan.when(Trigger.signal("x")).then(a).build();
    }
  }

  @Test
  void aMissingActionTakenByQualifierFailsNamingThePlanBeanAndTheQualifier() {
    runner.withUserConfiguration(MissingByQualifier.class).run(c -> assertThat(c).hasFailed().getFailure()
        .hasMessageContaining("typo").hasMessageContaining("reconect-pool")
        .hasMessageContaining(Action.class.getName()));
  }

  public static class WrongParameter {
    @HealAction("a")
    public void act(String what) {}
  }

  public static class WrongReturn {
    @HealAction("a")
    public String act() {
      return "done";
    }
  }

  public static class PrivateMethod {
    @HealAction("a")
    private void act() {}
  }

  public static class PackagePrivateMethod {
    @HealAction("a")
    void act() {}
  }

  public static class StaticMethod {
    @HealAction("a")
    public static void act() {}
  }

  public static class DryRunWithoutContext {
    @HealAction(value = "a", supportsDryRun = true)
    public void act() {}
  }

  public static class EmptyName {
    @HealAction(" ")
    public void act() {}
  }

  public static class One {
    @HealAction("same")
    public void first() {}
  }

  public static class Two {
    @HealAction("same")
    public void second(ActionContext c) {}
  }

  private void failsWith(Class<?> bean, String... parts) {
    runner.withBean(bean).run(c -> {
      assertThat(c).hasFailed();
      var failure = assertThat(c.getStartupFailure()).hasStackTraceContaining("wrong @HealAction methods")
          .hasStackTraceContaining(bean.getSimpleName() + ".");
      for (String p : parts) {
        failure.hasStackTraceContaining(p);
      }
    });
  }

  @Test
  void aWrongSignatureFailsTheStartupNamingTheBeanTheMethodAndWhatIsWrong() {
    String bean = "bean 'healActionTest.";
    failsWith(WrongParameter.class, bean + "WrongParameter'", "WrongParameter.act(String)",
        "takes nothing or one ActionContext");
    failsWith(WrongReturn.class, "WrongReturn.act()", "returns String", "returns void or ActionResult");
    failsWith(PrivateMethod.class, "PrivateMethod.act() is private", "make it public");
    failsWith(PackagePrivateMethod.class, "PackagePrivateMethod.act() is not public");
    failsWith(StaticMethod.class, "StaticMethod.act() is static");
    failsWith(DryRunWithoutContext.class, "DryRunWithoutContext.act() supports dry-run but takes no ActionContext");
    failsWith(EmptyName.class, "EmptyName.act() has @HealAction with an empty name");
  }

  @Test
  void twoMethodsWithOneNameFailNamingBoth() {
    runner.withBean(One.class).withBean(Two.class).run(c -> assertThat(c).hasFailed().getFailure()
        .hasStackTraceContaining("two @HealAction methods are named 'same'")
        .hasStackTraceContaining("One.first()").hasStackTraceContaining("Two.second(ActionContext)")
        .hasStackTraceContaining("name them apart"));
  }

  @Test
  void withoutAnnotatedMethodsThereAreNoActionBeansAndAnEmptyHealActions() {
    runner.run(c -> {
      assertThat(c.getBeansOfType(Action.class)).isEmpty();
      assertThat(c.getBean(HealActions.class).names()).isEmpty();
    });
  }
}
