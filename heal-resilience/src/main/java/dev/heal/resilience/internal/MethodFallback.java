package dev.heal.resilience.internal;

import dev.heal.resilience.ResilienceException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A fallback method of the target object, resolved and checked once at proxy creation. The call
 * path only walks a small precomputed array of candidates (most specific exception first).
 * Immutable and thread-safe.
 */
public final class MethodFallback implements FallbackInvoker {
  private final Object target;
  private final Method[] methods;
  private final Class<?>[] exceptionTypes; // null entry = no exception parameter
  private final Class<?>[] handles;

  private MethodFallback(Object target, Method[] methods, Class<?>[] exceptionTypes,
      Class<?>[] handles) {
    this.target = target;
    this.methods = methods;
    this.exceptionTypes = exceptionTypes;
    this.handles = handles;
  }

  /**
   * Finds fallback {@code name} for {@code annotated} on {@code target}'s class.
   *
   * @param where how to name the annotated method in errors, e.g. {@code PaymentClient.charge(String)}
   * @param allowException whether candidates may take a trailing exception parameter
   * @throws ResilienceException naming the method and the problem
   */
  public static MethodFallback resolve(Object target, Method annotated, String name, String where,
      String annotation, boolean allowException, Class<?>[] handles) {
    Class<?> type = target.getClass();
    Class<?>[] params = annotated.getParameterTypes();
    List<Method> sameName = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name) && !m.isSynthetic() && !Modifier.isStatic(m.getModifiers())) {
          sameName.add(m);
        }
      }
    }
    if (sameName.isEmpty()) {
      throw new ResilienceException(where + ": " + annotation + " names fallback method '" + name
          + "', which does not exist on " + type.getName());
    }
    List<Method> ok = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Method m : sameName) {
      Class<?>[] p = m.getParameterTypes();
      boolean paramsMatch = p.length == params.length && Arrays.equals(p, params);
      boolean withException = allowException && p.length == params.length + 1
          && Arrays.equals(Arrays.copyOf(p, params.length), params)
          && Throwable.class.isAssignableFrom(p[params.length]);
      if (!paramsMatch && !withException) {
        problems.add(describe(m) + " has the wrong parameters");
        continue;
      }
      if (!returnCompatible(annotated.getReturnType(), m.getReturnType())) {
        problems.add(describe(m) + " returns " + m.getReturnType().getSimpleName() + ", not "
            + annotated.getReturnType().getSimpleName());
        continue;
      }
      ok.add(m);
    }
    if (ok.isEmpty()) {
      String expected = name + "(" + Arrays.stream(params).map(Class::getSimpleName)
          .collect(Collectors.joining(", ")) + (allowException ? "[, Throwable]" : "") + ") returning "
          + annotated.getReturnType().getSimpleName();
      throw new ResilienceException(where + ": " + annotation + " fallback method '" + name
          + "' has the wrong signature: expected " + expected + "; found " + problems);
    }
    ok.sort(Comparator.comparingInt((Method m) -> -depth(exceptionParam(m, params.length))));
    Method[] methods = ok.toArray(new Method[0]);
    Class<?>[] ex = new Class<?>[methods.length];
    for (int i = 0; i < methods.length; i++) {
      methods[i].setAccessible(true);
      ex[i] = exceptionParam(methods[i], params.length);
    }
    return new MethodFallback(target, methods, ex, handles);
  }

  private static Class<?> exceptionParam(Method m, int n) {
    return m.getParameterCount() > n ? m.getParameterTypes()[n] : null;
  }

  private static int depth(Class<?> c) {
    if (c == null) {
      return -1;
    }
    int d = 0;
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      d++;
    }
    return d;
  }

  private static boolean returnCompatible(Class<?> wanted, Class<?> actual) {
    if (java.util.concurrent.CompletionStage.class.isAssignableFrom(wanted)) {
      // asynchronous: any stage will do, the proxy converts it to the declared type
      return java.util.concurrent.CompletionStage.class.isAssignableFrom(actual);
    }
    if (wanted.isPrimitive() || actual.isPrimitive()) {
      return wanted == actual;
    }
    return wanted.isAssignableFrom(actual);
  }

  private static String describe(Method m) {
    return m.getName() + "(" + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
        .collect(Collectors.joining(", ")) + ")";
  }

  @Override
  public Object recover(Object[] args, Throwable failure) throws Throwable {
    if (!handled(failure)) {
      throw failure;
    }
    int n = args == null ? 0 : args.length;
    for (int i = 0; i < methods.length; i++) {
      Class<?> ex = exceptionTypes[i];
      if (ex == null) {
        return call(methods[i], args);
      }
      if (ex.isInstance(failure)) {
        Object[] a = Arrays.copyOf(args == null ? new Object[0] : args, n + 1);
        a[n] = failure;
        return call(methods[i], a);
      }
    }
    throw failure;
  }

  private boolean handled(Throwable t) {
    for (Class<?> h : handles) {
      if (h.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private Object call(Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Invokes a no-exception fallback directly, for {@code @Degradable} substitutes. */
  public Invoker asSubstitute() {
    return args -> recover(args, new IllegalStateException("degraded"));
  }
}
