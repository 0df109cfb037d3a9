package io.inboard.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterSettingsTest {
  @Test
  void initParametersGiveTheIdentityAndTheHeaders() {
    FilterSettings settings =
        FilterSettings.fromInitParameters(
            Map.of("propagate", "My-Header", "service", "user", "namespace", "shop", "labels", "app=user,version=v1", "version", "v2"));
    assertThat(settings.propagatedHeaders().get()).contains("my-header", "x-request-id", "traceparent");
    assertThat(settings.self().service()).isEqualTo("user");
    assertThat(settings.self().namespace()).isEqualTo("shop");
    assertThat(settings.self().labels()).containsEntry("app", "user").containsEntry("version", "v2");
    assertThat(settings.generateRequestId()).isTrue();
    assertThat(settings.metrics()).isSameAs(RequestMetrics.NONE);
  }

  @Test
  void aBadHeaderNameIsRefusedNamingTheParameter() {
    assertThatThrownBy(() -> FilterSettings.fromInitParameters(Map.of("propagate", "my header")))
        .hasMessageContaining("init-param propagate")
        .hasMessageContaining("'my header'");
  }

  @Test
  void generateRequestIdMustBeTrueOrFalse() {
    assertThatThrownBy(() -> FilterSettings.fromInitParameters(Map.of("generate-request-id", "yes")))
        .hasMessageContaining("init-param generate-request-id")
        .hasMessageContaining("'yes'");
  }

  @Test
  void aMetricsClassThatCannotBeCreatedIsRefusedSayingWhatIsNeeded() {
    assertThatThrownBy(() -> FilterSettings.fromInitParameters(Map.of("metrics", "com.example.Missing")))
        .hasMessageContaining("init-param metrics")
        .hasMessageContaining("com.example.Missing")
        .hasMessageContaining("implementing io.inboard.filter.RequestMetrics");
  }

  @Test
  void labelsMustBeKeyValuePairs() {
    assertThatThrownBy(() -> FilterSettings.fromInitParameters(Map.of("labels", "version")))
        .hasMessageContaining("init-param labels")
        .hasMessageContaining("version=v1,app=user");
  }
}
