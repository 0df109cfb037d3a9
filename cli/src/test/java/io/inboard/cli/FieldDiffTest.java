package io.inboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldDiffTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> diff(String before, String after) throws Exception {
    return FieldDiff.between("", YAML.readTree(before), YAML.readTree(after)).stream().map(Object::toString).toList();
  }

  @Test
  void namesEachChangedAddedAndRemovedFieldByItsPath() throws Exception {
    assertThat(diff("""
        spec:
          hosts: [user]
          http:
          - route:
            - {destination: {host: user, subset: v1}, weight: 90}
            - {destination: {host: user, subset: v2}, weight: 10}
            timeout: 2s
        """, """
        spec:
          hosts: [user]
          http:
          - route:
            - {destination: {host: user, subset: v1}, weight: 50}
            - {destination: {host: user, subset: v2}, weight: 50}
            retries: {attempts: 3}
          - route: [{destination: {host: user}}]
        """)).containsExactly(
        "~ spec.http[0].route[0].weight: 90 -> 50",
        "~ spec.http[0].route[1].weight: 10 -> 50",
        "+ spec.http[0].retries: {\"attempts\":3}",
        "- spec.http[0].timeout: 2s",
        "+ spec.http[1]: {\"route\":[{\"destination\":{\"host\":\"user\"}}]}");
  }

  @Test
  void equalDocumentsDifferInNothingWhateverTheirFormatOrKeyOrder() throws Exception {
    JsonNode fromYaml = YAML.readTree("spec: {trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}, host: user, w: 90}");
    JsonNode fromJson = JSON.readTree("{\"spec\":{\"host\":\"user\",\"w\":90.0,"
        + "\"trafficPolicy\":{\"loadBalancer\":{\"simple\":\"ROUND_ROBIN\"}}}}");
    assertThat(FieldDiff.between("", fromJson, fromYaml)).isEmpty();
    assertThat(FieldDiff.between("", fromYaml, YAML.readTree("spec: {host: user, w: 91}")))
        .extracting(Object::toString).containsExactly("~ spec.w: 90 -> 91", "- spec.trafficPolicy: "
            + "{\"loadBalancer\":{\"simple\":\"ROUND_ROBIN\"}}");
  }
}
