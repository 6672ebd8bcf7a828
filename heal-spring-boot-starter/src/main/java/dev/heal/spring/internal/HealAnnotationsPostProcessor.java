package dev.heal.spring.internal;

import dev.heal.resilience.AdaptiveLimit;
import dev.heal.resilience.Degradable;
import dev.heal.resilience.Fallback;
import dev.heal.resilience.HealProxy;
import dev.heal.resilience.Resilience;
import dev.heal.resilience.UseRetryBudget;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Applies heal-resilience's annotations to Spring beans — classes, not only interfaces — through
 * Spring AOP, with the pipelines heal's own proxy builds ({@link HealProxy#pipelines}): same order,
 * same checks, built when the bean is, so a wrong annotation fails the startup naming the method.
 * An existing Spring proxy gets heal's advisor innermost; other beans get a class proxy.
 *
 * <p>When resilience4j-spring-boot3's aspects are in the context, resilience4j's own annotations
 * ({@code @Retry}, {@code @CircuitBreaker}, {@code @Bulkhead}, {@code @RateLimiter},
 * {@code @TimeLimiter}) are left to them and heal applies only its own ({@code @Fallback},
 * {@code @Degradable}, {@code @AdaptiveLimit}, {@code @UseRetryBudget}): no call is wrapped twice.
 * heal's advisor then goes outermost and calls on down the chain, so heal's stages wrap
 * resilience4j's as in heal's own order ({@code @Fallback} outside {@code @Retry}).
 * Thread-safe after startup. Not API.
 */
public final class HealAnnotationsPostProcessor implements BeanPostProcessor {
  /** resilience4j-spring6's aspects (resilience4j-spring-boot3 registers them). */
  public static final List<String> RESILIENCE4J_ASPECTS = List.of(
      "io.github.resilience4j.spring6.circuitbreaker.configure.CircuitBreakerAspect",
      "io.github.resilience4j.spring6.retry.configure.RetryAspect",
      "io.github.resilience4j.spring6.bulkhead.configure.BulkheadAspect",
      "io.github.resilience4j.spring6.ratelimiter.configure.RateLimiterAspect",
      "io.github.resilience4j.spring6.timelimiter.configure.TimeLimiterAspect");
  private static final List<Class<? extends Annotation>> HEAL = List.of(Fallback.class, Degradable.class,
      AdaptiveLimit.class, UseRetryBudget.class);
  private static final List<Class<? extends Annotation>> RESILIENCE4J = List.of(
      io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker.class,
      io.github.resilience4j.retry.annotation.Retry.class,
      io.github.resilience4j.bulkhead.annotation.Bulkhead.class,
      io.github.resilience4j.ratelimiter.annotation.RateLimiter.class,
      io.github.resilience4j.timelimiter.annotation.TimeLimiter.class);

  private final ObjectProvider<Resilience> resilience;
  private final ListableBeanFactory beans;
  private volatile Boolean resilience4jAspects;

  public HealAnnotationsPostProcessor(ObjectProvider<Resilience> resilience, ListableBeanFactory beans) {
    this.resilience = resilience;
    this.beans = beans;
  }

  /** Whether resilience4j-spring-boot3's aspects are beans of this context. */
  public boolean resilience4jAspects() {
    Boolean r = resilience4jAspects;
    if (r == null) {
      r = false;
      for (String name : RESILIENCE4J_ASPECTS) {
        if (ClassUtils.isPresent(name, getClass().getClassLoader())
            && beans.getBeanNamesForType(ClassUtils.resolveClassName(name, getClass().getClassLoader()), true, false)
                .length > 0) {
          r = true;
          break;
        }
      }
      resilience4jAspects = r;
    }
    return r;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    if (bean instanceof AopInfrastructureBean || bean instanceof Resilience) {
      return bean;
    }
    Class<?> type = AopUtils.getTargetClass(bean);
    if (type.getName().startsWith("org.springframework.") || type.getName().startsWith("io.github.resilience4j.")) {
      return bean;
    }
    boolean withResilience4j = !resilience4jAspects();
    if (!annotated(type, withResilience4j)) {
      return bean;
    }
    Object target;
    try {
      target = bean instanceof Advised a ? a.getTargetSource().getTarget() : bean;
    } catch (Exception e) {
      throw new BeanCreationException(beanName, "heal cannot reach the target of this proxy to apply its annotations", e);
    }
    // Deferring to resilience4j's aspects, heal's stages go outermost (as in heal's own order, where
    // @Fallback and @Degradable wrap @Retry and the rest) and call on down the chain: the invocation
    // being intercepted is bound to the calling thread for that.
    ThreadLocal<MethodInvocation> current = new ThreadLocal<>();
    Object raw = target;
    Map<Method, HealProxy.MethodCall> calls;
    try {
      calls = HealProxy.pipelines(type, target, resilience.getObject(), withResilience4j, withResilience4j ? null
          : m -> args -> {
            MethodInvocation invocation = current.get();
            if (invocation instanceof ProxyMethodInvocation p) {
              return p.invocableClone(args).proceed();
            }
            try { // called off the calling thread (an asynchronous stage): straight to the bean
              return m.invoke(raw, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
    } catch (RuntimeException e) {
      throw new BeanCreationException(beanName, "heal's resilience annotations on " + type.getName() + ": "
          + e.getMessage(), e);
    }
    if (calls.isEmpty()) {
      return bean;
    }
    MethodInterceptor interceptor = invocation -> {
      Method m = AopUtils.getMostSpecificMethod(invocation.getMethod(), type);
      HealProxy.MethodCall call = calls.get(m);
      if (call == null) {
        return invocation.proceed();
      }
      MethodInvocation outer = current.get();
      current.set(invocation);
      try {
        return call.call(invocation.getArguments());
      } finally {
        if (outer == null) {
          current.remove();
        } else {
          current.set(outer);
        }
      }
    };
    if (bean instanceof Advised a && !a.isFrozen()) {
      if (withResilience4j) {
        a.addAdvisor(new DefaultPointcutAdvisor(interceptor)); // innermost: its stages call the bean
      } else {
        a.addAdvisor(0, new DefaultPointcutAdvisor(interceptor)); // outermost: resilience4j's aspects inside
      }
      return bean;
    }
    ProxyFactory factory = new ProxyFactory(bean);
    factory.setProxyTargetClass(true);
    factory.addAdvice(interceptor);
    return factory.getProxy(type.getClassLoader());
  }

  private static boolean annotated(Class<?> type, boolean withResilience4j) {
    for (Method m : type.getMethods()) {
      if (m.getDeclaringClass() != Object.class && (any(m, HEAL) || (withResilience4j && any(m, RESILIENCE4J)))) {
        return true;
      }
    }
    for (Class<? extends Annotation> a : withResilience4j ? RESILIENCE4J : List.<Class<? extends Annotation>>of()) {
      if (type.isAnnotationPresent(a)) {
        return true;
      }
    }
    for (Class<? extends Annotation> a : HEAL) {
      if (type.isAnnotationPresent(a)) {
        return true;
      }
    }
    return false;
  }

  private static boolean any(Method m, List<Class<? extends Annotation>> types) {
    for (Class<? extends Annotation> a : types) {
      if (m.isAnnotationPresent(a)) {
        return true;
      }
    }
    return false;
  }
}
