package dev.heal.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heal.core.internal.ReferenceCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The generator refuses a catalog that disagrees with the code, saying what to change. */
class ReferenceGeneratorTest {
  /** A builder as heal writes them. */
  public static final class WidgetBuilder {
    private Duration interval = Duration.ofSeconds(10);
    private int size = 3;

    /** Time between two runs. Default 10 s. */
    public WidgetBuilder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** How many widgets, e.g. three. At least one. */
    public WidgetBuilder size(int size) {
      this.size = size;
      return this;
    }

    public Object build() {
      return interval.toString() + size;
    }
  }

  private record Catalog(List<Builder> builders, List<MeterInfo> meters) implements ReferenceCatalog {
    @Override
    public String module() {
      return "heal-widgets";
    }
  }

  private static ReferenceCatalog.Builder widgets() {
    return ReferenceCatalog.Builder.of("Widgets", WidgetBuilder.class, "new WidgetBuilder()", WidgetBuilder::new);
  }

  private static String generate(ReferenceCatalog c, Consumer<MeterRegistry> scenario) {
    Map<String, Consumer<MeterRegistry>> scenarios = scenario == null ? Map.of() : Map.of("heal-widgets", scenario);
    return new ReferenceGenerator(ReferenceDocTest.ROOT, scenarios).generate(List.of(c));
  }

  @Test
  void rendersJavadocAndDefaultsReadFromAFreshBuilder() {
    String doc = generate(new Catalog(List.of(widgets().field("interval", "").field("size", "widgets")), List.of()), null);
    assertThat(doc).contains("| `interval(Duration)` | — | — | `10s` | — | Time between two runs. |")
        .contains("| `size(int)` | — | — | `3` | widgets | How many widgets, e.g. three. |");
  }

  @Test
  void builderMethodWithoutAnEntryIsNamed() {
    assertThatThrownBy(() -> generate(new Catalog(List.of(widgets().field("interval", "")), List.of()), null))
        .hasMessageContaining("WidgetBuilder")
        .hasMessageContaining("add settings for [size]");
  }

  @Test
  void entryForAMethodTheBuilderNoLongerHasIsNamed() {
    assertThatThrownBy(() -> generate(new Catalog(List.of(widgets().field("interval", "").field("size", "")
        .set("colour", "red", "")), List.of()), null))
        .hasMessageContaining("remove [colour]");
  }

  @Test
  void meterRegisteredButNotDeclaredIsNamed() {
    Catalog c = new Catalog(List.of(), List.of(new ReferenceCatalog.MeterInfo("heal.widgets.made", Meter.Type.COUNTER,
        List.of("kind"), "at once")));
    Consumer<MeterRegistry> scenario = m -> {
      Counter.builder("heal.widgets.made").tag("kind", "round").register(m);
      Counter.builder("heal.widgets.lost").register(m);
    };
    assertThatThrownBy(() -> generate(c, scenario)).hasMessageContaining("declare [heal.widgets.lost]");
  }

  @Test
  void meterWithOtherTagsOrTypeIsNamed() {
    Catalog c = new Catalog(List.of(), List.of(new ReferenceCatalog.MeterInfo("heal.widgets.made", Meter.Type.COUNTER,
        List.of("kind"), "at once")));
    assertThatThrownBy(() -> generate(c, m -> Counter.builder("heal.widgets.made").tag("colour", "red").register(m)))
        .hasMessageContaining("registered with tags [colour] but Catalog says [kind]");
    assertThatThrownBy(() -> generate(c, m -> m.gauge("heal.widgets.made", List.of(), 1.0)))
        .hasMessageContaining("registered as a GAUGE but Catalog says COUNTER");
  }

  @Test
  void declaredMeterTheScenarioDoesNotRegisterIsNamed() {
    Catalog c = new Catalog(List.of(), List.of(new ReferenceCatalog.MeterInfo("heal.widgets.made", Meter.Type.COUNTER,
        List.of(), "at once")));
    assertThatThrownBy(() -> generate(c, m -> { })).hasMessageContaining("remove [heal.widgets.made]");
    assertThatThrownBy(() -> generate(c, null)).hasMessageContaining("no scenario");
  }

  @Test
  void prometheusSeriesAndHelpComeFromAScrape() {
    Catalog c = new Catalog(List.of(), List.of(new ReferenceCatalog.MeterInfo("heal.widgets.made", Meter.Type.COUNTER,
        List.of("kind"), "at once")));
    String doc = generate(c, m -> Counter.builder("heal.widgets.made").tag("kind", "round")
        .description("Widgets made").register(m));
    assertThat(doc).contains("| `heal.widgets.made` | counter | `kind` | `heal_widgets_made_total` (counter) | Widgets made | at once |");
  }
}
