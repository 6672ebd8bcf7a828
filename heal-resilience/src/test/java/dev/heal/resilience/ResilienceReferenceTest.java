package dev.heal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.heal.core.internal.ReferenceCatalog;
import dev.heal.core.internal.ReferenceCatalog.FileKey;
import dev.heal.resilience.internal.ResilienceReference;
import java.time.Duration;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The reference's file keys are exactly the keys {@link ResilienceConfig} reads, with loadable defaults. */
class ResilienceReferenceTest {
  private final ResilienceReference reference = new ResilienceReference();

  @Test
  void referenceListsExactlyTheKeysTheConfigFileAccepts() {
    Set<String> accepted = new TreeSet<>();
    ResilienceConfig.KNOWN.forEach((kind, props) -> props.forEach(p -> accepted.add(
        "resilience4j." + kind + ".instances.<name>." + p)));
    ResilienceConfig.HEAL_KNOWN.forEach((kind, props) -> props.forEach(p -> accepted.add(
        "heal.resilience." + kind + ".instances.<name>." + p)));
    accepted.add("heal.resilience.dependencyScope.<name>");
    Set<String> documented = new TreeSet<>();
    reference.fileKeys().forEach(k -> documented.add(k.key()));
    assertThat(documented).isEqualTo(accepted);
  }

  @Test
  void everyDocumentedDefaultIsAValueTheConfigFileAccepts() {
    int loaded = 0;
    for (FileKey k : reference.fileKeys()) {
      Object d = k.defaultValue();
      String value;
      if (d instanceof String s) {
        if (!s.matches("`[^`]+`") || k.key().endsWith(".baseConfig")) {
          continue; // prose ("all exceptions", "none") or a reference to configs.default
        }
        value = s.substring(1, s.length() - 1);
      } else {
        value = d instanceof Duration duration ? duration.toString() : String.valueOf(d);
      }
      Properties p = new Properties();
      // heal's breaker keys add to a breaker declared in the resilience4j section
      p.setProperty("resilience4j.circuitbreaker.instances.payments.minimumNumberOfCalls", "10");
      p.setProperty(k.key().replace("<name>", "payments"), value);
      assertThatCode(() -> ResilienceConfig.fromProperties(p)).as(k.key() + "=" + value).doesNotThrowAnyException();
      loaded++;
    }
    assertThat(loaded).as("defaults checked").isGreaterThan(40);
  }

  @Test
  void catalogIsFoundByServiceLoader() {
    assertThat(ServiceLoader.load(ReferenceCatalog.class).stream().map(ServiceLoader.Provider::type))
        .contains(ResilienceReference.class);
  }
}
