package io.inboard.demo.walk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each scenario's verdict on made-up answers, at and beyond its thresholds. */
class ScenarioTest {

    @Test
    void canaryHoldsAtNinetyTenAndFailsAtEightyTwenty() {
        assertThat(Scenario.CANARY.judge(split(540, 60)).passed()).isTrue();
        assertThat(Scenario.CANARY.judge(split(480, 120)).passed()).isFalse();
    }

    @Test
    void canaryNeedsAtLeastFiveHundredRequests() {
        assertThat(Scenario.CANARY.judge(split(270, 30)).passed()).isFalse();
        assertThat(Scenario.CANARY.probes()).hasSizeGreaterThanOrEqualTo(500);
    }

    @Test
    void canaryFailsOnAnyFailedRequest() {
        Tally tally = split(540, 59);
        tally.add(Probe.plain(), Answer.failed(503, "status 503: no instance"));

        Verdict verdict = Scenario.CANARY.judge(tally);

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.detail()).contains("1 failed").contains("no instance");
    }

    @Test
    void consistentHashFailsWhenAKeyMovesBetweenInstances() {
        Tally sticky = new Tally();
        Tally moving = new Tally();
        List<Probe> probes = Scenario.CONSISTENT_HASH.probes();
        for (int i = 0; i < probes.size(); i++) {
            Probe p = probes.get(i);
            String instance = p.key().compareTo("my-header=user-0010") <= 0 ? "user-v1" : "user-v2";
            sticky.add(p, new Answer(200, "v1", instance, null));
            // One key alternates between the instances from one round of keys to the next.
            boolean flip = p.key().equals("my-header=user-0001") && (i / Scenario.HASH_KEYS) % 2 == 1;
            moving.add(p, new Answer(200, "v1", flip ? "user-v2" : instance, null));
        }

        assertThat(Scenario.CONSISTENT_HASH.judge(sticky).passed()).isTrue();
        assertThat(Scenario.CONSISTENT_HASH.judge(moving).passed()).isFalse();
    }

    @Test
    void consistentHashFailsWhenOnlyOneInstanceIsUsed() {
        Tally tally = new Tally();
        Scenario.CONSISTENT_HASH.probes().forEach(p -> tally.add(p, new Answer(200, "v1", "user-v1", null)));

        Verdict verdict = Scenario.CONSISTENT_HASH.judge(tally);

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.stickiness()).contains("1 used");
    }

    @Test
    void stickyCanaryHoldsWithTenPercentOfKeysOnV2() {
        Tally tally = new Tally();
        for (Probe p : Scenario.STICKY_CANARY.probes()) {
            int n = Integer.parseInt(p.key().substring(p.key().length() - 4));
            String version = n % 10 == 0 ? "v2" : "v1";
            tally.add(p, new Answer(200, version, "user-" + version, null));
        }

        Verdict verdict = Scenario.STICKY_CANARY.judge(tally);

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.stickiness()).isEqualTo("1000/1000 keys on 1 version");
        assertThat(verdict.detail()).contains("0.100");
    }

    @Test
    void stickyCanaryFailsWhenKeysFlipBetweenVersions() {
        Tally tally = new Tally();
        List<Probe> probes = Scenario.STICKY_CANARY.probes();
        for (int i = 0; i < probes.size(); i++) {
            // Per-request weighted choice, as Envoy does it: keys flip (1000 % 7 != 0, so repeats differ).
            String version = i % 7 == 3 ? "v2" : "v1";
            tally.add(probes.get(i), new Answer(200, version, "user-" + version, null));
        }

        assertThat(Scenario.STICKY_CANARY.judge(tally).passed()).isFalse();
    }

    @Test
    void darkReleaseNeedsDevOnV2AndEverythingElseOnV1() {
        Tally right = new Tally();
        Tally leaky = new Tally();
        for (Probe p : Scenario.DARK_RELEASE.probes()) {
            String version = p.key().equals("mode=dev") ? "v2" : "v1";
            right.add(p, new Answer(200, version, "user-" + version, null));
            leaky.add(p, new Answer(200, p.key().equals("-") ? "v2" : version, "x", null));
        }

        assertThat(Scenario.DARK_RELEASE.judge(right).passed()).isTrue();
        assertThat(Scenario.DARK_RELEASE.judge(leaky).passed()).isFalse();
    }

    private static Tally split(int v1, int v2) {
        Tally tally = new Tally();
        for (int i = 0; i < v1; i++) {
            tally.add(Probe.plain(), new Answer(200, "v1", "user-v1", null));
        }
        for (int i = 0; i < v2; i++) {
            tally.add(Probe.plain(), new Answer(200, "v2", "user-v2", null));
        }
        return tally;
    }
}
