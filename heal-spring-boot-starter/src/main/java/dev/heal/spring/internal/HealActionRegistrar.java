package dev.heal.spring.internal;

import dev.heal.core.healer.Action;
import dev.heal.core.healer.ActionContext;
import dev.heal.core.healer.ActionResult;
import dev.heal.spring.HealAction;
import dev.heal.spring.HealActions;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@link HealAction} methods on the declared types of the context's beans (a component's
 * class, a {@code @Bean} method's return type) before any bean is created, checks them, and
 * registers an {@link Action} bean per method (named {@code healAction.<name>}, qualified by the
 * action's name) and the {@link HealActions} bean. Everything wrong is collected and fails the
 * startup in one message naming each bean and method. Not API.
 */
public final class HealActionRegistrar implements BeanDefinitionRegistryPostProcessor, Ordered {
  /** Bean-name prefix of the {@code Action} beans. */
  public static final String PREFIX = "healAction.";
  public static final String ACTIONS_BEAN = "healActions";

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {}

  // Here rather than in postProcessBeanDefinitionRegistry: after the configuration classes are
  // enhanced, so asking for bean types caches nothing stale.
  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beans) throws BeansException {
    if (!(beans instanceof BeanDefinitionRegistry registry) || registry.containsBeanDefinition(ACTIONS_BEAN)) {
      return;
    }
    Map<String, Found> found = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String bean : registry.getBeanDefinitionNames()) {
      if (bean.startsWith(PREFIX)) {
        continue;
      }
      Class<?> type;
      try {
        type = beans.getType(bean, false);
      } catch (RuntimeException e) {
        continue; // a type Spring cannot tell yet carries no @HealAction we could see
      }
      if (type == null) {
        continue;
      }
      Class<?> user = ClassUtils.getUserClass(type);
      Map<Method, HealAction> methods = MethodIntrospector.selectMethods(user,
          (MethodIntrospector.MetadataLookup<HealAction>) m -> AnnotatedElementUtils.findMergedAnnotation(m, HealAction.class));
      for (Map.Entry<Method, HealAction> e : methods.entrySet()) {
        Method m = e.getKey();
        HealAction a = e.getValue();
        String where = "bean '" + bean + "': " + user.getSimpleName() + "." + m.getName() + signature(m);
        String problem = problem(m, a);
        if (problem != null) {
          problems.add(where + " " + problem);
          continue;
        }
        Found before = found.putIfAbsent(a.value(), new Found(bean, m, a, where));
        if (before != null) {
          problems.add("two @HealAction methods are named '" + a.value() + "': " + before.where + " and " + where
              + "; name them apart");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("heal: wrong @HealAction methods: " + String.join("; ", problems));
    }
    for (Found f : found.values()) {
      String name = PREFIX + f.annotation.value();
      if (registry.containsBeanDefinition(name)) {
        throw new IllegalStateException("heal: " + f.where + ": a bean named '" + name + "' exists already; rename it");
      }
      RootBeanDefinition d = new RootBeanDefinition(Action.class,
          () -> new MethodAction(f.annotation, beans, f.bean, f.method, f.where));
      d.addQualifier(new AutowireCandidateQualifier(Qualifier.class, f.annotation.value()));
      registry.registerBeanDefinition(name, d);
    }
    registry.registerBeanDefinition(ACTIONS_BEAN, new RootBeanDefinition(HealActions.class, () -> {
      Map<String, Action> actions = new LinkedHashMap<>();
      Map<String, String> where = new LinkedHashMap<>();
      for (Found f : found.values()) {
        actions.put(f.annotation.value(), beans.getBean(PREFIX + f.annotation.value(), Action.class));
        where.put(f.annotation.value(), f.where);
      }
      return new HealActions(actions, where);
    }));
  }

  /** What is wrong with an annotated method, or null. */
  static String problem(Method m, HealAction a) {
    if (a.value() == null || a.value().isBlank()) {
      return "has @HealAction with an empty name; give it one: @HealAction(\"reconnect-pool\")";
    }
    if (Modifier.isPrivate(m.getModifiers())) {
      return "is private: Spring cannot call it through the bean; make it public";
    }
    if (!Modifier.isPublic(m.getModifiers())) {
      return "is not public: make it public";
    }
    if (Modifier.isStatic(m.getModifiers())) {
      return "is static: make it an instance method of the bean";
    }
    Class<?>[] params = m.getParameterTypes();
    if (params.length > 1 || (params.length == 1 && params[0] != ActionContext.class)) {
      return "takes " + signature(m) + ": a @HealAction method takes nothing or one ActionContext";
    }
    if (m.getReturnType() != void.class && m.getReturnType() != ActionResult.class) {
      return "returns " + m.getReturnType().getSimpleName() + ": a @HealAction method returns void or ActionResult";
    }
    if (a.supportsDryRun() && params.length == 0) {
      return "supports dry-run but takes no ActionContext, so it cannot tell a dry run: take an ActionContext";
    }
    return null;
  }

  private static String signature(Method m) {
    List<String> p = new ArrayList<>();
    for (Class<?> c : m.getParameterTypes()) {
      p.add(c.getSimpleName());
    }
    return "(" + String.join(", ", p) + ")";
  }

  private record Found(String bean, Method method, HealAction annotation, String where) {}

  /** Calls the bean's method through the bean (its proxy, if any). Thread-safe. */
  static final class MethodAction implements Action {
    private final HealAction annotation;
    private final BeanFactory beans;
    private final String bean;
    private final Method method;
    private final String where;

    MethodAction(HealAction annotation, BeanFactory beans, String bean, Method method, String where) {
      this.annotation = annotation;
      this.beans = beans;
      this.bean = bean;
      this.method = method;
      this.where = where;
    }

    @Override
    public String name() {
      return annotation.value();
    }

    @Override
    public boolean supportsDryRun() {
      return annotation.supportsDryRun();
    }

    @Override
    public boolean disruptive() {
      return annotation.disruptive();
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
      Object target = beans.getBean(bean);
      Method invocable = org.springframework.aop.support.AopUtils.selectInvocableMethod(method, target.getClass());
      Object result;
      try {
        result = method.getParameterCount() == 0 ? invocable.invoke(target) : invocable.invoke(target, context);
      } catch (java.lang.reflect.InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception x) {
          throw x;
        }
        if (cause instanceof Error x) {
          throw x;
        }
        throw e;
      }
      if (result instanceof ActionResult r) {
        return r;
      }
      if (method.getReturnType() == ActionResult.class) {
        return ActionResult.failed(where + " returned null instead of an ActionResult");
      }
      return ActionResult.succeeded(name() + " done");
    }

    @Override
    public String toString() {
      return "Action[" + name() + " = " + where + "]";
    }
  }
}
