package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.dr;
import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.vs;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.VirtualService;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code exportTo} and a DestinationRule's {@code workloadSelector}, read and checked as Istio's validation does. */
class ExportToValidationTest {
  private static final String ROUTE = "http: [{route: [{destination: {host: reviews}}]}]\n";

  @Test
  void readsOwnNamespaceEveryNamespaceAndNamedOnes() {
    VirtualService own = valid(vs("hosts: [reviews]\nexportTo: [\".\", frontend]\n" + ROUTE));
    assertThat(own.spec().exportTo()).containsExactly(".", "frontend");
    DestinationRule all = valid(dr("host: reviews\nexportTo: [\"*\"]"));
    assertThat(all.spec().exportTo()).containsExactly("*");
    assertThat(all.spec().workloadSelector()).isNull();
    assertThat(warnings(vs("hosts: [reviews]\nexportTo: [\".\"]\n" + ROUTE))).isEmpty();
  }

  @Test
  void tildeIsForServiceEntriesOnly() {
    assertThat(errors(vs("hosts: [reviews]\nexportTo: [\"~\"]\n" + ROUTE))).containsExactly(
        "spec.exportTo[0]: '~' (visible to no one) is allowed only on a ServiceEntry; use '.' to keep this "
            + "resource in its own namespace");
  }

  @Test
  void anEntryThatIsNoNamespaceNameIsAnErrorNamingIt() {
    assertThat(errors(dr("host: reviews\nexportTo: [Shop_1]"))).singleElement().asString()
        .startsWith("spec.exportTo[0]: 'Shop_1' is not '.', '*' or a namespace name");
    assertThat(errors(dr("host: reviews\nexportTo: .")))
        .singleElement().asString().startsWith("spec.exportTo: must be a list");
  }

  @Test
  void duplicatesAreErrorsAlsoWhenDotNamesTheOwnNamespace() {
    assertThat(errors(vs("hosts: [reviews]\nexportTo: [frontend, frontend]\n" + ROUTE))).containsExactly(
        "spec.exportTo[1]: duplicate entry 'frontend'; list each namespace once");
    // The documents of Docs live in namespace shop.
    assertThat(errors(vs("hosts: [reviews]\nexportTo: [\".\", shop]\n" + ROUTE))).containsExactly(
        "spec.exportTo[1]: '.' is this resource's own namespace shop, which the list names already; keep one");
  }

  @Test
  void starTogetherWithOtherEntriesIsAnError() {
    assertThat(errors(dr("host: reviews\nexportTo: [\"*\", frontend]"))).containsExactly(
        "spec.exportTo: '*' exports to every namespace, so other entries beside it mean nothing; keep '*' "
            + "alone, or list the namespaces without '*'");
  }

  @Test
  void readsAWorkloadSelector() {
    DestinationRule dr = valid(dr("host: reviews\nworkloadSelector: {matchLabels: {app: frontend}}"));
    assertThat(dr.spec().workloadSelector()).isEqualTo(Map.of("app", "frontend"));
    assertThat(((DestinationRule) valid(dr("host: reviews\nworkloadSelector: {matchLabels: {app: web}}\n"
        + "exportTo: [\".\"]"))).spec().exportTo()).containsExactly(".");
  }

  @Test
  void aSelectorRuleCannotBeExportedBeyondItsNamespace() {
    assertThat(errors(dr("host: reviews\nworkloadSelector: {matchLabels: {app: web}}\nexportTo: [\"*\"]")))
        .containsExactly("spec.exportTo[0]: a DestinationRule with workloadSelector applies only to workloads "
            + "of its own namespace shop, so exportTo may only be '.'; remove exportTo, or remove workloadSelector "
            + "to share the rule with other namespaces");
    assertThat(errors(dr("host: reviews\nworkloadSelector: {matchLabels: {app: web}}\nexportTo: [shop]")))
        .isEmpty();
  }

  @Test
  void selectorLabelsAreCheckedAndAnEmptyOneIsWarned() {
    assertThat(errors(dr("host: reviews\nworkloadSelector: {matchLabels: {app: \"web*\"}}")))
        .singleElement().asString().startsWith("spec.workloadSelector.matchLabels.app: ");
    assertThat(errors(dr("host: reviews\nworkloadSelector: {labels: {app: web}}")))
        .singleElement().asString().startsWith("spec.workloadSelector.labels: unknown field");
    assertThat(warnings(dr("host: reviews\nworkloadSelector: {}"))).containsExactly(
        "spec.workloadSelector: selects no labels, so the rule applies to every workload in namespace shop "
            + "(and to no other namespace); give matchLabels, e.g. matchLabels: {app: frontend}, or remove "
            + "workloadSelector");
  }
}
