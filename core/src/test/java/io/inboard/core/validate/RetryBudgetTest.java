package io.inboard.core.validate;

import static io.inboard.core.validate.Docs.dr;
import static io.inboard.core.validate.Docs.errors;
import static io.inboard.core.validate.Docs.valid;
import static io.inboard.core.validate.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.model.ConnectionPoolSettings;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.RetryBudget;
import io.inboard.core.model.TrafficPolicy;
import org.junit.jupiter.api.Test;

/** {@code trafficPolicy.retryBudget}: read, checked, merged, and what it allows (Envoy's retry budget). */
class RetryBudgetTest {
  private static TrafficPolicy policy(String yaml) {
    DestinationRule dr = valid(dr(yaml));
    return dr.spec().trafficPolicy();
  }

  @Test
  void theBudgetIsReadWithIstiosDefaults() {
    assertThat(policy("host: r\ntrafficPolicy: {retryBudget: {percent: 25, minRetryConcurrency: 5}}").retryBudget())
        .isEqualTo(new RetryBudget(25, 5));
    assertThat(policy("host: r\ntrafficPolicy: {retryBudget: {}}").retryBudget()).isEqualTo(new RetryBudget(20, 3));
    assertThat(warnings(dr("host: r\ntrafficPolicy: {retryBudget: {percent: 12.5}}"))).isEmpty();
  }

  @Test
  void badValuesAreErrorsAndBudgetIntervalIsWarned() {
    assertThat(errors(dr("host: r\ntrafficPolicy: {retryBudget: {percent: 120}}"))).containsExactly(
        "spec.trafficPolicy.retryBudget.percent: must be a number from 0 to 100 (a share of the requests in "
            + "flight), e.g. percent: 25");
    assertThat(errors(dr("host: r\ntrafficPolicy: {retryBudget: {percent: \"20%\"}}"))).hasSize(1);
    assertThat(errors(dr("host: r\ntrafficPolicy: {retryBudget: {minRetryConcurrency: -1}}"))).hasSize(1);
    assertThat(warnings(dr("host: r\ntrafficPolicy: {retryBudget: {budgetInterval: 10s}}")))
        .singleElement().asString().startsWith("spec.trafficPolicy.retryBudget.budgetInterval: ");
  }

  @Test
  void theRetriesAllowedAreTheBudgetsShareOfTheRequestsInFlightNeverBelowTheFloor() {
    RetryBudget budget = new RetryBudget(20, 3);
    assertThat(budget.allowedRetries(0)).isEqualTo(3);
    assertThat(budget.allowedRetries(10)).isEqualTo(3);
    assertThat(budget.allowedRetries(100)).isEqualTo(20);
    assertThat(budget.allowedRetries(104)).as("rounded down, as Envoy").isEqualTo(20);
    assertThat(new RetryBudget(0, 0).allowedRetries(1000)).isZero();
  }

  @Test
  void theBudgetTakesThePlaceOfMaxRetriesAndSubsetsReplaceItButPortsKeepIt() {
    TrafficPolicy top = policy("""
        host: r
        trafficPolicy:
          connectionPool: {http: {maxRetries: 1, http2MaxRequests: 50}}
          retryBudget: {percent: 50, minRetryConcurrency: 2}
          portLevelSettings:
          - port: {number: 8080}
            connectionPool: {http: {maxRetries: 7}}
        """);
    ConnectionPoolSettings breaking = top.circuitBreaking();
    assertThat(breaking.maxRequests()).isEqualTo(50);
    assertThat(breaking.maxRetries(10)).as("the budget, not maxRetries: 1").isEqualTo(5);
    assertThat(top.forPort(8080).circuitBreaking().maxRetries(10)).as("no port-level budget in Istio").isEqualTo(5);
    assertThat(policy("host: r\ntrafficPolicy: {connectionPool: {http: {maxRetries: 1}}}").circuitBreaking()
        .maxRetries(10)).isEqualTo(1);
    assertThat(policy("host: r\ntrafficPolicy: {retryBudget: {}}").circuitBreaking().appliesAnything())
        .as("a budget alone is tracked").isTrue();

    TrafficPolicy subset = new TrafficPolicy(null, null, null, java.util.List.of(), new RetryBudget(10, 1));
    assertThat(TrafficPolicy.merged(top, subset, 0).circuitBreaking().maxRetries(100)).isEqualTo(10);
    assertThat(TrafficPolicy.merged(top, subset, 0).circuitBreaking().maxRequests())
        .as("the top-level connectionPool stays").isEqualTo(50);
  }
}
