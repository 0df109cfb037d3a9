package io.inboard.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstancesFileTest {

  @Test
  void readsAListOfInstances() {
    List<Instance> instances = InstancesFile.parse("""
        - id: user-v1
          service: user
          namespace: traffic-management
          address: 127.0.0.1
          port: 8081
          labels: {app: user, version: v1}
        - {service: orders, address: 10.0.0.2, port: 80}
        """);
    assertThat(instances).containsExactly(
        new Instance("user-v1", "user", "traffic-management", "127.0.0.1", 8081,
            Map.of("app", "user", "version", "v1")),
        new Instance("orders-10.0.0.2:80", "orders", "default", "10.0.0.2", 80, Map.of()));
    assertThat(instances.get(0).fqdn()).isEqualTo("user.traffic-management.svc.cluster.local");
  }

  @Test
  void acceptsAnInstancesKeyJsonAndAnEmptyFile() {
    assertThat(InstancesFile.parse("instances:\n- {service: a, address: h, port: 1}\n")).hasSize(1);
    assertThat(InstancesFile.parse("[{\"service\": \"a\", \"address\": \"h\", \"port\": 1}]"))
        .hasSize(1);
    assertThat(InstancesFile.parse("# nothing yet\n")).isEmpty();
  }

  @Test
  void labelsWrittenAsNumbersBecomeStrings() {
    assertThat(InstancesFile.parse("- {service: a, address: h, port: 1, labels: {version: 2}}")
        .get(0).labels()).containsEntry("version", "2");
  }

  @Test
  void reportsEveryProblemWithItsEntry() {
    assertThatThrownBy(() -> InstancesFile.parse("""
        - {id: a, service: user, address: h, port: 70000}
        - {id: a, service: user, address: h, port: 1, colour: red}
        - {id: b, port: "80"}
        - just-a-string
        """))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid instances file: [0].port: '70000' is not a port number; use 1-65535; "
            + "[1].colour: unknown field; known fields are id, service, namespace, address, port, "
            + "labels; [2].service: missing; it is required; [2].address: missing; it is required;"
            + " [2].port: '80' is not a port number; use 1-65535; [3]: must be a mapping {id, "
            + "service, namespace, address, port, labels}");
  }

  @Test
  void duplicateIdsAreRefused() {
    assertThatThrownBy(() -> InstancesFile.parse(
        "- {id: a, service: s, address: h, port: 1}\n- {id: a, service: s, address: h, port: 2}"))
        .hasMessageContaining("[1].id: duplicate id 'a'");
  }

  @Test
  void malformedYamlNamesTheLine() {
    assertThatThrownBy(() -> InstancesFile.parse("- {service: a\n- b\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("instances file is not valid YAML: ")
        .hasMessageContaining("(line ");
    assertThatThrownBy(() -> InstancesFile.parse("service: a\n"))
        .hasMessageContaining("must be a YAML list");
  }
}
