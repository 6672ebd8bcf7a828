package dev.heal.infra;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads Kubernetes manifests into fabric8's typed model and finds fields the model does not know. */
final class Manifests {
  private Manifests() {}

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static List<HasMetadata> load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return fromObject(SERIALIZATION.unmarshal(in), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<HasMetadata> parse(String yaml) {
    return fromObject(SERIALIZATION.unmarshal(yaml), "<string>");
  }

  private static List<HasMetadata> fromObject(Object o, String source) {
    List<HasMetadata> out = new ArrayList<>();
    if (o instanceof List<?> list) {
      for (Object x : list) {
        out.add((HasMetadata) x);
      }
    } else if (o instanceof HasMetadata h) {
      out.add(h);
    } else {
      throw new AssertionError(source + " is not a Kubernetes object: " + o);
    }
    return out;
  }

  /**
   * Paths of properties fabric8's model did not recognise (it keeps them as "additional
   * properties" instead of failing), e.g. {@code spec.template.spec.containers[0].readinesProbe}.
   */
  static List<String> unknownFields(Object root) {
    List<String> unknown = new ArrayList<>();
    walk(root, "", unknown, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    return unknown;
  }

  private static void walk(Object o, String at, List<String> unknown, Set<Object> seen) {
    if (o == null || !seen.add(o)) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object x : c) {
        walk(x, at + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        walk(e.getValue(), at + "." + e.getKey(), unknown, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = m.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      if (name.equals("additionalProperties") && value instanceof Map<?, ?> extra) {
        extra.keySet().forEach(k -> unknown.add(at.isEmpty() ? String.valueOf(k) : at + "." + k));
      } else {
        walk(value, at.isEmpty() ? name : at + "." + name, unknown, seen);
      }
    }
  }
}
