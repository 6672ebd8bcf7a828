package dev.heal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The generated IDE metadata carries heal's keys, each with a description (and the enum's choices). */
class ConfigurationMetadataTest {
  private static Map<String, JsonNode> properties() throws Exception {
    try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("spring-boot-configuration-processor ran").isNotNull();
      Map<String, JsonNode> byName = new HashMap<>();
      for (JsonNode p : JsonMapper.builder().build().readTree(in).path("properties")) {
        byName.put(p.path("name").asString(), p);
      }
      return byName;
    }
  }

  @Test
  void theKeysOfIssue15AreDescribed() throws Exception {
    Map<String, JsonNode> p = properties();
    for (String key : new String[] {"heal.actuator.background", "heal.observations.enabled",
        "heal.kubernetes.enabled", "heal.kubernetes.healing.enabled", "heal.kubernetes.healing.allow-cordon",
        "heal.kubernetes.leadership", "heal.kubernetes.lease.name", "heal.kubernetes.lease.duration",
        "heal.kubernetes.lease.renew-deadline", "heal.kubernetes.lease.retry-period"}) {
      assertThat(p).as(key).containsKey(key);
      assertThat(p.get(key).path("description").asString()).as(key).isNotBlank();
    }
    assertThat(p.get("heal.kubernetes.leadership").path("type").asString())
        .isEqualTo(HealProperties.LeadershipMode.class.getName());
    assertThat(p.get("heal.kubernetes.healing.enabled").path("defaultValue").asBoolean(true)).isFalse();
    assertThat(p.get("heal.kubernetes.lease.name").path("defaultValue").asString()).isEqualTo("heal-leader");
  }
}
