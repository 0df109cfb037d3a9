package io.inboard.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalityTest {
  @Test
  void readsTheTopologyLabels() {
    Locality l = Locality.of(Map.of("topology.kubernetes.io/region", "us-east", "topology.kubernetes.io/zone",
        "us-east-1a", "topology.istio.io/subzone", "rack7", "version", "v1"));
    assertThat(l).isEqualTo(new Locality("us-east", "us-east-1a", "rack7"));
    assertThat(l.toString()).isEqualTo("us-east/us-east-1a/rack7");
  }

  @Test
  void istioLocalityLabelWithDotsWinsOverTheTopologyLabels() {
    Locality l = Locality.of(Map.of("istio-locality", "eu-west.eu-west-1b", "topology.kubernetes.io/region", "us-east"));
    assertThat(l).isEqualTo(new Locality("eu-west", "eu-west-1b", ""));
  }

  @Test
  void withoutLabelsTheLocalityIsUnknown() {
    assertThat(Locality.of(Map.of("version", "v1")).isUnknown()).isTrue();
    assertThat(Locality.of(Map.of("topology.kubernetes.io/region", "us-east")).isUnknown()).isFalse();
  }

  @Test
  void patternsMatchAsIstiosDistributeDoes() {
    Locality l = new Locality("us-west", "zone1", "sz1");
    assertThat(l.matches("us-west/zone1/sz1")).isTrue();
    assertThat(l.matches("us-west/zone1/*")).isTrue();
    assertThat(l.matches("us-west/*")).isTrue();
    assertThat(l.matches("us-west")).isTrue();
    assertThat(l.matches("*")).isTrue();
    assertThat(l.matches("us-west/zone2/*")).isFalse();
    assertThat(l.matches("us-east")).isFalse();
    assertThat(l.matches("us-west/zone1/sz2")).isFalse();
  }

  @Test
  void sharedPartsCountsFromTheRegion() {
    Locality a = new Locality("r", "z", "s");
    assertThat(a.sharedParts(new Locality("r", "z", "s"))).isEqualTo(3);
    assertThat(a.sharedParts(new Locality("r", "z", "t"))).isEqualTo(2);
    assertThat(a.sharedParts(new Locality("r", "y", "s"))).isEqualTo(1);
    assertThat(a.sharedParts(new Locality("q", "z", "s"))).isEqualTo(0);
  }
}
