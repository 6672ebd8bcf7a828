package dev.heal.resilience;

import dev.heal.resilience.internal.AsyncInvoker;
import dev.heal.resilience.internal.DirectCalls;
import dev.heal.resilience.internal.FallbackInvoker;
import dev.heal.resilience.internal.Invoker;
import dev.heal.resilience.internal.MethodFallback;
import io.github.resilience4j.bulkhead.annotation.Bulkhead;
import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import io.github.resilience4j.ratelimiter.annotation.RateLimiter;
import io.github.resilience4j.retry.annotation.Retry;
import io.github.resilience4j.timelimiter.annotation.TimeLimiter;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Wraps an implementation of an interface in a JDK dynamic proxy that applies the resilience
 * annotations found on its methods: resilience4j's {@link CircuitBreaker}, {@link Retry}, {@link
 * Bulkhead} (semaphore), {@link RateLimiter} and {@link TimeLimiter} (asynchronous methods only),
 * each with its {@code fallbackMethod}, and heal's {@link Fallback}, {@link Degradable}, {@link
 * AdaptiveLimit} and {@link UseRetryBudget}.
 *
 * <p>Annotations are read from the implementation's method first, then the interface method,
 * then the implementation class, then the interface. Methods returning {@link CompletionStage} (or
 * {@link CompletableFuture}) get an asynchronous pipeline; all others a synchronous one.
 *
 * <p>Order, outermost first (resilience4j's documented aspect order, with heal's additions at the
 * ends): {@code @Degradable}, {@code @Fallback}, {@code @Retry}, {@code @CircuitBreaker}, {@code
 * @RateLimiter}, {@code @TimeLimiter}, {@code @Bulkhead}, {@code @AdaptiveLimit}.
 *
 * <p>Every pipeline is built in {@link #create}: a proxy that builds is a proxy whose
 * configuration is right. The call path does one identity-hash lookup of the {@link Method} and
 * calls the target through a bound method handle: no annotation parsing, no reflective lookup,
 * no {@code Method.invoke}.
 *
 * <p>The proxy is thread-safe if the target is.
 */
public final class HealProxy {
  private HealProxy() {}

  /**
   * Creates the proxy.
   *
   * @throws ResilienceException naming the method and the problem, for an unknown policy, a
   *     fallback with the wrong signature or an unsupported combination
   */
  public static <T> T create(Class<T> iface, T target, Resilience resilience) {
    Objects.requireNonNull(iface, "iface");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(resilience, "resilience");
    if (!iface.isInterface()) {
      throw new ResilienceException(iface.getName() + " is not an interface; HealProxy wraps"
          + " interface implementations (use Resilience.decorate(...) for other code)");
    }
    Map<Method, Invoker> handlers = new HashMap<>();
    for (Method m : iface.getMethods()) {
      if (java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      handlers.put(m, handler(iface, target, m, resilience, true, false, null));
    }
    Object proxy = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface},
        new ProxyHandler(target, handlers));
    return iface.cast(proxy);
  }

  /**
   * One method of a target, called through the pipeline its annotations name: {@code args} are the
   * method's arguments; the result is what the pipeline returns (the method's, a fallback's or a
   * substitute's), or what it throws. Thread-safe if the target is.
   */
  @FunctionalInterface
  public interface MethodCall {
    Object call(Object[] args) throws Throwable;
  }

  /**
   * The pipelines of every annotated public method of class {@code type}, built now against
   * {@code target} (an instance of {@code type}), with the same order and the same checks as
   * {@link #create}. For integrations that proxy classes rather than interfaces (heal's Spring
   * Boot starter applies them through Spring AOP). Methods without annotations are not in the map.
   *
   * @param resilience4jAnnotations false leaves resilience4j's own annotations ({@code @Retry},
   *     {@code @CircuitBreaker}, {@code @Bulkhead}, {@code @RateLimiter}, {@code @TimeLimiter}) to
   *     someone else (resilience4j's Spring aspects) and applies only heal's, so no call is wrapped
   *     twice
   * @throws ResilienceException naming the method and the problem, as {@link #create} does
   */
  public static Map<Method, MethodCall> pipelines(Class<?> type, Object target, Resilience resilience,
      boolean resilience4jAnnotations) {
    return pipelines(type, target, resilience, resilience4jAnnotations, null);
  }

  /**
   * As {@link #pipelines(Class, Object, Resilience, boolean)}, with the innermost call of each
   * pipeline given by {@code terminal} (for method {@code m}, what calls on past heal's stages, e.g.
   * the rest of a Spring AOP interceptor chain) instead of a direct call of {@code target}.
   *
   * @param terminal for each method, its innermost call; null calls {@code target} directly
   */
  public static Map<Method, MethodCall> pipelines(Class<?> type, Object target, Resilience resilience,
      boolean resilience4jAnnotations, java.util.function.Function<Method, MethodCall> terminal) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(resilience, "resilience");
    if (!type.isInstance(target)) {
      throw new ResilienceException(target.getClass().getName() + " is not a " + type.getName());
    }
    Map<Method, MethodCall> calls = new HashMap<>();
    for (Method m : type.getMethods()) {
      if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Invoker h = handler(type, target, m, resilience, resilience4jAnnotations, true,
          terminal == null ? null : terminal.apply(m));
      if (h != null) {
        calls.put(m, h::invoke);
      }
    }
    return Map.copyOf(calls);
  }

  private static final class ProxyHandler implements InvocationHandler {
    private final Object target;
    private final Map<Method, Invoker> handlers;
    /**
     * The same handlers keyed by the very {@link Method} objects the proxy class passes (it keeps
     * one per method in static fields), filled on first use and replaced copy-on-write: the hot
     * path is an identity-hash lookup instead of {@link Method#equals}.
     */
    private volatile IdentityHashMap<Method, Invoker> byIdentity = new IdentityHashMap<>();

    ProxyHandler(Object target, Map<Method, Invoker> handlers) {
      this.target = target;
      this.handlers = handlers;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Invoker h = byIdentity.get(method);
      if (h == null) {
        h = handlers.get(method);
        if (h != null) {
          remember(method, h);
        }
      }
      if (h != null) {
        return h.invoke(args);
      }
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "HealProxy[" + target + "]";
        default:
          throw new IllegalStateException("HealProxy has no handler for " + method);
      }
    }

    private synchronized void remember(Method method, Invoker h) {
      if (byIdentity.size() >= 4 * handlers.size()) {
        return; // callers passing fresh Method copies: stay on the equals lookup, bounded
      }
      IdentityHashMap<Method, Invoker> next = new IdentityHashMap<>(byIdentity);
      next.put(method, h);
      byIdentity = next;
    }
  }

  private static Invoker handler(Class<?> iface, Object target, Method m, Resilience r, boolean r4j,
      boolean onlyAnnotated, MethodCall innermost) {
    String where = iface.getSimpleName() + "." + m.getName() + "("
        + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
            .collect(Collectors.joining(", ")) + ")";
    Method impl = implementation(target.getClass(), m);
    if (!m.canAccess(target)) {
      m.setAccessible(true);
    }
    boolean async = CompletionStage.class.isAssignableFrom(m.getReturnType());
    boolean wantsFuture = m.getReturnType() == CompletableFuture.class;
    PipelineSpec s = new PipelineSpec();
    s.where = where;
    s.async = async;
    Lookup a = new Lookup(m, impl, iface, target.getClass());
    boolean any = false;

    CircuitBreaker cb = !r4j ? null : a.find(CircuitBreaker.class);
    if (cb != null) {
      any = true;
      s.circuitBreaker = cb.name();
      s.circuitBreakerFallback = fallback(target, m, cb.fallbackMethod(), where,
          "@CircuitBreaker(name = \"" + cb.name() + "\")");
    }
    Retry retry = !r4j ? null : a.find(Retry.class);
    if (retry != null) {
      any = true;
      s.retry = retry.name();
      s.retryFallback = fallback(target, m, retry.fallbackMethod(), where,
          "@Retry(name = \"" + retry.name() + "\")");
    }
    Bulkhead bh = !r4j ? null : a.find(Bulkhead.class);
    if (bh != null) {
      any = true;
      if (bh.type() != Bulkhead.Type.SEMAPHORE) {
        throw new ResilienceException(where + ": @Bulkhead(name = \"" + bh.name() + "\", type = "
            + bh.type() + ") is not supported; heal runs calls on the caller's thread: use"
            + " type = SEMAPHORE");
      }
      s.bulkhead = bh.name();
      s.bulkheadFallback = fallback(target, m, bh.fallbackMethod(), where,
          "@Bulkhead(name = \"" + bh.name() + "\")");
    }
    RateLimiter rl = !r4j ? null : a.find(RateLimiter.class);
    if (rl != null) {
      any = true;
      if (rl.permits() < 1) {
        throw new ResilienceException(where + ": @RateLimiter(name = \"" + rl.name()
            + "\") permits must be at least 1: " + rl.permits());
      }
      s.rateLimiter = rl.name();
      s.rateLimiterPermits = rl.permits();
      s.rateLimiterFallback = fallback(target, m, rl.fallbackMethod(), where,
          "@RateLimiter(name = \"" + rl.name() + "\")");
    }
    TimeLimiter tl = !r4j ? null : a.find(TimeLimiter.class);
    if (tl != null) {
      any = true;
      s.timeLimiter = tl.name();
      s.timeLimiterFallback = fallback(target, m, tl.fallbackMethod(), where,
          "@TimeLimiter(name = \"" + tl.name() + "\")");
    }
    AdaptiveLimit al = a.find(AdaptiveLimit.class);
    if (al != null) {
      any = true;
      s.adaptiveLimit = al.name();
      s.priority = al.priority();
      s.adaptiveLimitFallback = fallback(target, m, al.fallbackMethod(), where,
          "@AdaptiveLimit(name = \"" + al.name() + "\")");
    }
    UseRetryBudget ub = a.find(UseRetryBudget.class);
    if (ub != null) {
      any = true;
      s.retryBudget = ub.value();
    }
    Fallback fb = a.find(Fallback.class);
    if (fb != null) {
      any = true;
      if (fb.value().isEmpty()) {
        throw new ResilienceException(where + ": @Fallback needs a method name");
      }
      s.fallback = MethodFallback.resolve(target, m, fb.value(), where,
          "@Fallback(\"" + fb.value() + "\")", true, fb.on());
    }
    Degradable dg = a.find(Degradable.class);
    if (dg != null) {
      any = true;
      if (dg.feature().isBlank()) {
        throw new ResilienceException(where + ": @Degradable needs a feature name");
      }
      s.degradeFeature = dg.feature();
      if (dg.fallbackMethod().isEmpty()) {
        Object empty = async ? null : emptyValue(m.getReturnType());
        s.degradeSubstitute = args -> empty;
      } else {
        s.degradeSubstitute = MethodFallback.resolve(target, m, dg.fallbackMethod(), where,
            "@Degradable(feature = \"" + dg.feature() + "\")", false,
            new Class<?>[] {Throwable.class}).asSubstitute();
      }
    }

    if (!any && onlyAnnotated) {
      return null;
    }
    Invoker direct = innermost != null ? innermost::call : direct(m, target, where);
    if (async) {
      AsyncInvoker terminal = args -> {
        try {
          Object out = direct.invoke(args);
          return out != null ? stage(out) : CompletableFuture.failedFuture(new NullPointerException(
              where + " returned null instead of a CompletionStage"));
        } catch (Throwable t) {
          return CompletableFuture.failedFuture(t);
        }
      };
      AsyncInvoker p = any ? Pipelines.async(r, s, terminal) : terminal;
      if (wantsFuture) {
        return args -> p.invoke(args).toCompletableFuture();
      }
      return p::invoke;
    }
    Invoker terminal = direct;
    Invoker p = any ? Pipelines.sync(r, s, terminal) : terminal;
    return p;
  }

  /**
   * {@code (Object[] args) -> target.m(args...)}: a direct call made by {@link DirectCalls} where
   * it can be, else the method handle of {@link #spreader}.
   */
  private static Invoker direct(Method m, Object target, String where) {
    Invoker fast = DirectCalls.of(m, target);
    if (fast != null) {
      return fast;
    }
    MethodHandle mh = spreader(m, target, where);
    return args -> (Object) mh.invokeExact(args);
  }

  /**
   * {@code (Object[] args) -> target.m(args...)} as a method handle bound to the target: no
   * reflective access checks or exception wrapping per call, unlike {@link Method#invoke}.
   */
  private static MethodHandle spreader(Method m, Object target, String where) {
    try {
      return MethodHandles.lookup().unreflect(m).bindTo(target)
          .asSpreader(Object[].class, m.getParameterCount())
          .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (IllegalAccessException e) {
      throw new ResilienceException(where + ": heal cannot call this method: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Object> stage(Object o) {
    return (CompletionStage<Object>) o;
  }

  private static FallbackInvoker fallback(Object target, Method m, String name, String where,
      String annotation) {
    if (name == null || name.isEmpty()) {
      return null;
    }
    return MethodFallback.resolve(target, m, name, where, annotation + " fallbackMethod", true,
        new Class<?>[] {Throwable.class});
  }

  private static Method implementation(Class<?> type, Method m) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        return c.getDeclaredMethod(m.getName(), m.getParameterTypes());
      } catch (NoSuchMethodException e) {
        // keep looking up the hierarchy
      }
    }
    return null;
  }

  /** The value a skipped {@code @Degradable} method returns without a substitute. */
  static Object emptyValue(Class<?> t) {
    if (t == boolean.class) {
      return false;
    } else if (t == int.class) {
      return 0;
    } else if (t == long.class) {
      return 0L;
    } else if (t == double.class) {
      return 0.0d;
    } else if (t == float.class) {
      return 0.0f;
    } else if (t == short.class) {
      return (short) 0;
    } else if (t == byte.class) {
      return (byte) 0;
    } else if (t == char.class) {
      return (char) 0;
    } else if (t == Optional.class) {
      return Optional.empty();
    } else if (t == List.class || t == java.util.Collection.class || t == Iterable.class) {
      return List.of();
    } else if (t == Set.class) {
      return Set.of();
    } else if (t == Map.class) {
      return Map.of();
    } else if (CompletionStage.class.isAssignableFrom(t)) {
      return CompletableFuture.completedFuture(null);
    }
    return null;
  }

  /** Where annotations are looked for, most specific first. */
  private static final class Lookup {
    private final Method iface;
    private final Method impl;
    private final Class<?> ifaceType;
    private final Class<?> implType;

    Lookup(Method iface, Method impl, Class<?> ifaceType, Class<?> implType) {
      this.iface = iface;
      this.impl = impl;
      this.ifaceType = ifaceType;
      this.implType = implType;
    }

    <A extends Annotation> A find(Class<A> type) {
      if (impl != null && impl.isAnnotationPresent(type)) {
        return impl.getAnnotation(type);
      }
      if (iface.isAnnotationPresent(type)) {
        return iface.getAnnotation(type);
      }
      if (implType.isAnnotationPresent(type)) {
        return implType.getAnnotation(type);
      }
      return ifaceType.getAnnotation(type);
    }
  }
}
