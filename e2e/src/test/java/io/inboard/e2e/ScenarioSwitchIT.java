package io.inboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.demo.walk.Probe;
import io.inboard.demo.walk.Scenario;
import io.inboard.demo.walk.TrafficDriver;
import io.inboard.demo.walk.TrafficPath;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Switching the live rules between the canary and the dark release while traffic flows loses no request. */
@ExtendWith(SharedMesh.class)
class ScenarioSwitchIT {

    private static final int SWITCHES = 5;

    @Test
    void switchingFromCanaryToDarkReleaseUnderLoadFailsNoRequest() throws Exception {
        SharedMesh.apply(Scenario.GATEWAY_FILE);
        SharedMesh.apply(Scenario.CANARY.file());
        List<TrafficPath> paths = List.of(
                TrafficPath.gatewayUserDomain(SharedMesh.mesh().gatewayUrl()),
                TrafficPath.gatewayPrefixDomain(SharedMesh.mesh().gatewayUrl()));
        List<Probe> probes = List.of(Probe.plain(), Probe.withHeader("mode", "dev"));

        long switchedAt;
        long settledAt;
        Duration rollout;
        List<SteadyLoad.Sample> samples;
        try (TrafficDriver driver = new TrafficDriver(4)) {
            SteadyLoad load = new SteadyLoad(driver, paths, probes, 4);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> load.count() >= 400);
                switchedAt = System.nanoTime();
                // Back and forth, ending on the dark release: each switch is a chance to drop a request.
                Duration longest = Duration.ZERO;
                for (int i = 0; i < SWITCHES; i++) {
                    Scenario next = i % 2 == 0 ? Scenario.DARK_RELEASE : Scenario.CANARY;
                    Duration took = SharedMesh.apply(next.file());
                    longest = took.compareTo(longest) > 0 ? took : longest;
                    Thread.sleep(300);
                }
                rollout = longest;
                settledAt = System.nanoTime();
                int atSettle = load.count();
                await().atMost(Duration.ofSeconds(60)).until(() -> load.count() >= atSettle + 400);
            } finally {
                load.close();
            }
            samples = load.samples();
        }

        List<SteadyLoad.Sample> failed = samples.stream().filter(s -> !s.answer().ok()).toList();
        List<SteadyLoad.Sample> before = samples.stream().filter(s -> s.atNanos() < switchedAt).toList();
        List<SteadyLoad.Sample> after = samples.stream().filter(s -> s.atNanos() > settledAt).toList();
        System.out.printf(Locale.ROOT, "scenario switch under load: %d requests (%d before, %d during %d switches "
                        + "10-canary <-> 40-dark-release, longest wait for rollout %d ms, %d after), %d failed%n",
                samples.size(), before.size(), samples.size() - before.size() - after.size(), SWITCHES,
                rollout.toMillis(), after.size(), failed.size());

        assertThat(failed).as("failed requests").isEmpty();
        // Under the canary, requests without mode reached both versions.
        assertThat(versions(before, "-")).containsExactlyInAnyOrder("v1", "v2");
        // Once every part routes by the dark release, mode=dev reaches v2 and nothing else does.
        assertThat(versions(after, "mode=dev")).containsExactly("v2");
        assertThat(versions(after, "-")).containsExactly("v1");
    }

    private static Set<String> versions(List<SteadyLoad.Sample> samples, String key) {
        return samples.stream().filter(s -> s.probe().key().equals(key))
                .map(s -> s.answer().version()).collect(Collectors.toSet());
    }
}
