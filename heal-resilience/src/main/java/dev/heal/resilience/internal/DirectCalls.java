package dev.heal.resilience.internal;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The innermost call of a proxied interface method, {@code target.m(args...)}, as a small class
 * that calls the method directly, made once per method by {@link LambdaMetafactory} (the JDK's
 * own lambda machinery), instead of a method handle held in a field.
 *
 * <p>Why: the JIT inlines a method handle only when it is a constant; a handle read from a field
 * is called through its lambda forms on every call (docs/benchmarks.md, run 9: the
 * {@code MethodHandle::invokeBasic} of heal's proxy was never inlined, "receiver not constant").
 * A class made by {@code LambdaMetafactory} holds the call as ordinary bytecode, which the JIT
 * inlines like any interface call.
 *
 * <p>Used only where it is safe; otherwise {@link #of} returns {@code null} and the caller keeps
 * its method handle:
 * <ul>
 *   <li>at most {@value #MAX_ARITY} parameters;
 *   <li>a public method of a public type, whose declaring class, parameter and return types all
 *       resolve to the same classes from heal's class loader (the made class resolves them by
 *       name there; a type from a child class loader, e.g. a web application's, would not);
 *   <li>{@code LambdaMetafactory} accepts it (any refusal falls back).
 * </ul>
 * Arguments are converted as the method handle path converts them: a reference is cast to the
 * parameter type, a primitive is unboxed from its wrapper, a primitive result is boxed, and a
 * {@code void} method returns {@code null}. Exceptions the method throws reach the caller
 * unchanged (the same instance, unwrapped).
 *
 * <p>Made classes are cached per method, so proxying the same interface again (a new target,
 * another {@code Resilience}) makes no new class. Only methods of types heal's class loader sees
 * are cached (a refusal for a child loader's type is not, so the cache never keeps such a loader
 * alive). Thread-safe.
 */
public final class DirectCalls {
  /** The largest parameter count with a direct call; longer methods keep the method handle. */
  public static final int MAX_ARITY = 4;

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
  private static final Class<?>[] VALUE = {A0.class, A1.class, A2.class, A3.class, A4.class};
  private static final Class<?>[] VOID = {V0.class, V1.class, V2.class, V3.class, V4.class};
  /** Per method, the factory {@code (receiver) -> A<n> or V<n>}; absent key = not yet tried. */
  private static final Map<Method, Factory> FACTORIES = new ConcurrentHashMap<>();
  private static final Factory REFUSED = new Factory(null);

  private DirectCalls() {}

  /** {@code target.m(args...)} with no arguments. */
  interface A0 {
    Object call();
  }

  /** {@code target.m(a)}. */
  interface A1 {
    Object call(Object a);
  }

  /** {@code target.m(a, b)}. */
  interface A2 {
    Object call(Object a, Object b);
  }

  /** {@code target.m(a, b, c)}. */
  interface A3 {
    Object call(Object a, Object b, Object c);
  }

  /** {@code target.m(a, b, c, d)}. */
  interface A4 {
    Object call(Object a, Object b, Object c, Object d);
  }

  /** {@code target.m()} returning {@code void}. */
  interface V0 {
    void call();
  }

  /** {@code target.m(a)} returning {@code void}. */
  interface V1 {
    void call(Object a);
  }

  /** {@code target.m(a, b)} returning {@code void}. */
  interface V2 {
    void call(Object a, Object b);
  }

  /** {@code target.m(a, b, c)} returning {@code void}. */
  interface V3 {
    void call(Object a, Object b, Object c);
  }

  /** {@code target.m(a, b, c, d)} returning {@code void}. */
  interface V4 {
    void call(Object a, Object b, Object c, Object d);
  }

  private record Factory(MethodHandle make) {}

  /**
   * A direct call of {@code m} on {@code target}, or {@code null} when this method cannot have
   * one (see the class comment); {@code target} must be an instance of {@code m}'s declaring
   * class.
   */
  public static Invoker of(Method m, Object target) {
    if (!visible(m.getDeclaringClass())) {
      // Not cached: a key holding a class of a child class loader (a web application's) would keep
      // that loader alive after it is undeployed. Only types heal's loader sees are cached, and
      // they live as long as heal's classes do.
      return null;
    }
    Factory f = FACTORIES.computeIfAbsent(m, DirectCalls::factory);
    if (f == REFUSED) {
      return null;
    }
    Object fn;
    try {
      fn = f.make().invoke(target);
    } catch (Throwable t) {
      return null;
    }
    return invoker(fn);
  }

  /** Whether the cache holds an entry (made or refused) for {@code m} (for tests). */
  static boolean cached(Method m) {
    return FACTORIES.containsKey(m);
  }

  private static Factory factory(Method m) {
    int n = m.getParameterCount();
    Class<?> owner = m.getDeclaringClass();
    if (n > MAX_ARITY || !Modifier.isPublic(m.getModifiers())
        || !Modifier.isPublic(owner.getModifiers()) || Modifier.isStatic(m.getModifiers())
        || !visible(m.getReturnType())) {
      return REFUSED;
    }
    Class<?>[] params = m.getParameterTypes();
    for (Class<?> p : params) {
      if (!visible(p)) {
        return REFUSED;
      }
    }
    boolean isVoid = m.getReturnType() == void.class;
    Class<?> fi = (isVoid ? VOID : VALUE)[n];
    Class<?> samReturn = isVoid ? void.class : Object.class;
    Class<?>[] erased = new Class<?>[n];
    Class<?>[] instantiated = new Class<?>[n];
    for (int k = 0; k < n; k++) {
      erased[k] = Object.class;
      instantiated[k] = params[k].isPrimitive() ? MethodType.methodType(params[k]).wrap().returnType()
          : params[k];
    }
    try {
      MethodHandle impl = LOOKUP.unreflect(m);
      CallSite site = LambdaMetafactory.metafactory(LOOKUP, "call",
          MethodType.methodType(fi, owner), MethodType.methodType(samReturn, erased), impl,
          MethodType.methodType(samReturn, instantiated));
      return new Factory(site.getTarget().asType(MethodType.methodType(Object.class, Object.class)));
    } catch (Throwable refused) {
      return REFUSED;
    }
  }

  /** Whether the class made in heal's class loader resolves {@code c} by name to {@code c}. */
  static boolean visible(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive()) {
      return true;
    }
    try {
      return Class.forName(c.getName(), false, DirectCalls.class.getClassLoader()) == c;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static Invoker invoker(Object fn) {
    if (fn instanceof A0 f) {
      return args -> f.call();
    } else if (fn instanceof A1 f) {
      return args -> f.call(args[0]);
    } else if (fn instanceof A2 f) {
      return args -> f.call(args[0], args[1]);
    } else if (fn instanceof A3 f) {
      return args -> f.call(args[0], args[1], args[2]);
    } else if (fn instanceof A4 f) {
      return args -> f.call(args[0], args[1], args[2], args[3]);
    } else if (fn instanceof V0 f) {
      return args -> {
        f.call();
        return null;
      };
    } else if (fn instanceof V1 f) {
      return args -> {
        f.call(args[0]);
        return null;
      };
    } else if (fn instanceof V2 f) {
      return args -> {
        f.call(args[0], args[1]);
        return null;
      };
    } else if (fn instanceof V3 f) {
      return args -> {
        f.call(args[0], args[1], args[2]);
        return null;
      };
    } else if (fn instanceof V4 f) {
      return args -> {
        f.call(args[0], args[1], args[2], args[3]);
        return null;
      };
    }
    return null;
  }
}
