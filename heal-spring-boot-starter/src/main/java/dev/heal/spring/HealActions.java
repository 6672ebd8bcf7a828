package dev.heal.spring;

import dev.heal.core.healer.Action;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link HealAction} methods of the application's beans, as {@link Action}s by name, for plan
 * beans that refer to actions by name: {@code actions.require("reconnect-pool")}. Built at startup
 * by the starter; immutable and thread-safe.
 */
public final class HealActions {
  private final Map<String, Action> actions;
  private final Map<String, String> methods;

  /**
   * @param actions the actions by name
   * @param methods for each name, the bean and method it comes from ({@code bean 'x': X.m()}), for messages
   */
  public HealActions(Map<String, Action> actions, Map<String, String> methods) {
    this.actions = Collections.unmodifiableMap(new TreeMap<>(actions));
    this.methods = Collections.unmodifiableMap(new TreeMap<>(methods));
  }

  /** The action named {@code name}, if a {@code @HealAction} method has that name. */
  public Optional<Action> find(String name) {
    return Optional.ofNullable(actions.get(Objects.requireNonNull(name, "name")));
  }

  /**
   * The action named {@code name}.
   *
   * @throws IllegalStateException naming the actions that exist, if none has that name
   */
  public Action require(String name) {
    return find(name).orElseThrow(() -> new IllegalStateException("no @HealAction method is named '" + name
        + "'; the @HealAction methods are " + methods + ". Annotate a public bean method with @HealAction(\""
        + name + "\") or use one of those names"));
  }

  /** The names of all {@code @HealAction} methods, in name order. */
  public Set<String> names() {
    return actions.keySet();
  }
}
