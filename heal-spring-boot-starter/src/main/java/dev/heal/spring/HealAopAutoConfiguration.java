package dev.heal.spring;

import dev.heal.resilience.Resilience;
import dev.heal.spring.internal.HealAnnotationsPostProcessor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * heal-resilience's annotations on Spring beans (classes and interfaces) through Spring AOP, in the
 * order heal's own proxy applies them. If resilience4j-spring-boot3's aspects are in the context,
 * resilience4j's annotations are left to them and heal applies only its own, so no call is wrapped
 * twice. Off with {@code heal.aop.enabled=false}.
 */
@AutoConfiguration(after = HealAutoConfiguration.class)
@ConditionalOnClass(ProxyFactory.class)
@ConditionalOnBooleanProperty(name = {"heal.enabled", "heal.aop.enabled"}, matchIfMissing = true)
public class HealAopAutoConfiguration {

  /** The post-processor that proxies annotated beans. */
  @Bean
  @ConditionalOnMissingBean
  public static HealAnnotationsPostProcessor healAnnotationsPostProcessor(ObjectProvider<Resilience> resilience,
      ListableBeanFactory beans) {
    return new HealAnnotationsPostProcessor(resilience, beans);
  }
}
