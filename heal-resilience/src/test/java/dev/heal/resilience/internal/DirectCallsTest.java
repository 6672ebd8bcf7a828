package dev.heal.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.resilience.HealProxy;
import dev.heal.resilience.Resilience;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectCalls}: every shape it accepts calls the method exactly as the method handle path
 * does (primitives unboxed and boxed, void as null, exceptions unchanged), and every shape it
 * must refuse falls back to the method handle (and still works through {@link HealProxy}).
 */
class DirectCallsTest {

  /** The shapes a direct call must handle. */
  public interface Shapes {
    String none();

    int addInts(int a, int b);

    long longs(long a, byte b, short c, char d);

    boolean not(boolean b);

    double half(float f, double d);

    String[] array(String[] in);

    void remember(String s);

    void fail(String message) throws IOException;

    List<String> four(String a, String b, String c, String d);

    String five(String a, String b, String c, String d, String e);

    default String greeting(String who) {
      return "hello " + who;
    }
  }

  /** A super-interface method reached through a sub-interface. */
  public interface Named {
    String name();
  }

  /** Extends {@link Named}. */
  public interface Child extends Named {}

  interface PackagePrivate {
    String hidden();
  }

  static class ShapesImpl implements Shapes {
    String remembered;

    @Override
    public String none() {
      return "none";
    }

    @Override
    public int addInts(int a, int b) {
      return a + b;
    }

    @Override
    public long longs(long a, byte b, short c, char d) {
      return a + b + c + d;
    }

    @Override
    public boolean not(boolean b) {
      return !b;
    }

    @Override
    public double half(float f, double d) {
      return (f + d) / 2;
    }

    @Override
    public String[] array(String[] in) {
      return new String[] {in[0] + "!"};
    }

    @Override
    public void remember(String s) {
      remembered = s;
    }

    @Override
    public void fail(String message) throws IOException {
      throw new IOException(message);
    }

    @Override
    public List<String> four(String a, String b, String c, String d) {
      return List.of(a, b, c, d);
    }

    @Override
    public String five(String a, String b, String c, String d, String e) {
      return a + b + c + d + e;
    }
  }

  private static Invoker direct(Class<?> type, String name, Object target) {
    Method m = find(type, name);
    return DirectCalls.of(m, target);
  }

  private static Method find(Class<?> type, String name) {
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("no method " + name);
  }

  @Test
  void everyAcceptedShapeCallsTheMethodWithItsArgumentsConverted() throws Throwable {
    ShapesImpl impl = new ShapesImpl();
    assertThat(direct(Shapes.class, "none", impl).invoke(null)).isEqualTo("none");
    assertThat(direct(Shapes.class, "addInts", impl).invoke(new Object[] {2, 40})).isEqualTo(42);
    assertThat(direct(Shapes.class, "longs", impl)
        .invoke(new Object[] {1L, (byte) 2, (short) 3, (char) 4})).isEqualTo(10L);
    assertThat(direct(Shapes.class, "not", impl).invoke(new Object[] {true})).isEqualTo(false);
    assertThat(direct(Shapes.class, "half", impl).invoke(new Object[] {1f, 2d})).isEqualTo(1.5d);
    assertThat((String[]) direct(Shapes.class, "array", impl).invoke(new Object[] {new String[] {"a"}}))
        .containsExactly("a!");
    assertThat(direct(Shapes.class, "remember", impl).invoke(new Object[] {"kept"})).isNull();
    assertThat(impl.remembered).isEqualTo("kept");
    assertThat(direct(Shapes.class, "four", impl).invoke(new Object[] {"a", "b", "c", "d"}))
        .isEqualTo(List.of("a", "b", "c", "d"));
    assertThat(direct(Shapes.class, "greeting", impl).invoke(new Object[] {"you"}))
        .isEqualTo("hello you");
    Child child = () -> "child";
    assertThat(direct(Child.class, "name", child).invoke(null)).isEqualTo("child");
  }

  @Test
  void aCheckedExceptionReachesTheCallerUnchanged() {
    Invoker fail = direct(Shapes.class, "fail", new ShapesImpl());
    assertThat(fail).isNotNull();
    assertThatThrownBy(() -> fail.invoke(new Object[] {"disk gone"}))
        .isExactlyInstanceOf(IOException.class).hasMessage("disk gone");
  }

  @Test
  void aWrongArgumentFailsLikeACastNotSilently() {
    Invoker add = direct(Shapes.class, "addInts", new ShapesImpl());
    assertThatThrownBy(() -> add.invoke(new Object[] {"two", 40}))
        .isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> add.invoke(new Object[] {null, 40}))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void refusesWhatItCannotCallSafely() {
    assertThat(direct(Shapes.class, "five", new ShapesImpl())).as("more than MAX_ARITY parameters")
        .isNull();
    PackagePrivate hidden = () -> "x";
    assertThat(direct(PackagePrivate.class, "hidden", hidden)).as("a non-public interface").isNull();
    assertThat(DirectCalls.of(find(Shapes.class, "none"), "not a Shapes")).as("a foreign target")
        .isNull();
  }

  @Test
  void aMadeClassIsReusedForTheSameMethod() throws Throwable {
    Method none = find(Shapes.class, "none");
    Invoker one = DirectCalls.of(none, new ShapesImpl());
    Invoker two = DirectCalls.of(none, new ShapesImpl() {
      @Override
      public String none() {
        return "other";
      }
    });
    assertThat(one.invoke(null)).isEqualTo("none");
    assertThat(two.invoke(null)).isEqualTo("other");
  }

  @Test
  void anInterfaceFromAClassLoaderHealCannotSeeFallsBackToTheMethodHandle() throws Throwable {
    ClassLoader child = new ClassLoader(getClass().getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.equals(IsolatedService.class.getName())) {
          return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
          Class<?> c = findLoadedClass(name);
          if (c == null) {
            String resource = name.replace('.', '/') + ".class";
            try (InputStream in = getParent().getResourceAsStream(resource)) {
              byte[] bytes = in.readAllBytes();
              c = defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
              throw new ClassNotFoundException(name, e);
            }
          }
          return c;
        }
      }
    };
    Class<?> isolated = Class.forName(IsolatedService.class.getName(), false, child);
    assertThat(isolated).isNotSameAs(IsolatedService.class);
    assertThat(DirectCalls.visible(IsolatedService.class)).isTrue();
    assertThat(DirectCalls.visible(String[][].class)).isTrue();
    assertThat(DirectCalls.visible(isolated)).as("resolves by name to the other class").isFalse();
    Object target = Proxy.newProxyInstance(child, new Class<?>[] {isolated},
        (proxy, method, args) -> method.getName().equals("who") ? "isolated" : null);
    Method who = isolated.getMethod("who");
    assertThat(DirectCalls.of(who, target)).as("the made class could not resolve the type").isNull();
    assertThat(DirectCalls.cached(who)).as("a child loader's method is not kept in the cache").isFalse();
    Method none = find(Shapes.class, "none");
    DirectCalls.of(none, new ShapesImpl());
    assertThat(DirectCalls.cached(none)).as("a visible type's method is").isTrue();

    @SuppressWarnings({"unchecked", "rawtypes"})
    Object proxied = HealProxy.create((Class) isolated, target,
        Resilience.builder().circuitBreaker("isolated").build());
    assertThat(who.invoke(proxied)).isEqualTo("isolated");
  }
}
