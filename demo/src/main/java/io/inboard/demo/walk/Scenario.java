package io.inboard.demo.walk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The scenarios of the walk-through: the file that sets each up, the traffic that shows it, and
 * what that traffic must find (the acceptance thresholds of the walk-through).
 */
public enum Scenario {

    /** 90% of requests get v1, 10% v2, request by request. */
    CANARY("10-canary.yaml") {
        @Override
        public List<Probe> probes() {
            List<Probe> probes = new ArrayList<>();
            for (int i = 0; i < CANARY_REQUESTS; i++) {
                probes.add(Probe.plain());
            }
            return probes;
        }

        @Override
        public Verdict judge(Tally t) {
            double v1 = t.share("v1");
            boolean ok = t.failures() == 0 && t.requests() >= 500 && v1 >= 0.85 && v1 <= 0.95;
            return new Verdict(ok, "none (no key)", String.format(Locale.ROOT, "v1 %.3f in [0.85, 0.95]", v1)
                    + failures(t));
        }
    },

    /** The same my-header value always reaches the same instance; values spread over both. */
    CONSISTENT_HASH("20-consistent-hash.yaml") {
        @Override
        public List<Probe> probes() {
            return repeated(HASH_KEYS, HASH_REPEATS);
        }

        @Override
        public Verdict judge(Tally t) {
            long stuck = t.keysOnOneInstance();
            int used = t.instancesUsed().size();
            boolean ok = t.failures() == 0 && t.keys() == HASH_KEYS && stuck == HASH_KEYS && used >= 2;
            return new Verdict(ok,
                    String.format(Locale.ROOT, "%d/%d keys on 1 instance, %d used", stuck, t.keys(), used),
                    "1 instance per key, both used" + failures(t));
        }
    },

    /** A 90/10 split in which each my-header value stays on one version. */
    STICKY_CANARY("30-sticky-canary.yaml") {
        @Override
        public List<Probe> probes() {
            return repeated(STICKY_KEYS, STICKY_REPEATS);
        }

        @Override
        public Verdict judge(Tally t) {
            long stuck = t.keysOnOneVersion();
            double v2 = t.keyShare("v2");
            boolean ok = t.failures() == 0 && t.keys() == STICKY_KEYS && stuck == STICKY_KEYS
                    && v2 >= 0.07 && v2 <= 0.13;
            return new Verdict(ok,
                    String.format(Locale.ROOT, "%d/%d keys on 1 version", stuck, t.keys()),
                    String.format(Locale.ROOT, "v2 keys %.3f in [0.07, 0.13]", v2) + failures(t));
        }
    },

    /** mode: dev reaches v2; everything else reaches v1. */
    DARK_RELEASE("40-dark-release.yaml") {
        @Override
        public List<Probe> probes() {
            List<Probe> probes = new ArrayList<>();
            for (int i = 0; i < DARK_REQUESTS; i++) {
                probes.add(Probe.withHeader("mode", "dev"));
                probes.add(Probe.withHeader("mode", "prod"));
                probes.add(Probe.plain());
            }
            return probes;
        }

        @Override
        public Verdict judge(Tally t) {
            Map<String, Set<String>> byKey = t.versionsByKey();
            boolean devOnV2 = Set.of("v2").equals(byKey.get("mode=dev"));
            boolean othersOnV1 = Set.of("v1").equals(byKey.get("mode=prod")) && Set.of("v1").equals(byKey.get("-"));
            boolean ok = t.failures() == 0 && devOnV2 && othersOnV1 && t.requests() == 3 * DARK_REQUESTS;
            return new Verdict(ok,
                    "dev->" + names(byKey.get("mode=dev")) + ", prod->" + names(byKey.get("mode=prod"))
                            + ", none->" + names(byKey.get("-")),
                    "dev always v2, rest always v1" + failures(t));
        }
    };

    public static final int CANARY_REQUESTS = 1000;
    public static final int HASH_KEYS = 20;
    public static final int HASH_REPEATS = 10;
    public static final int STICKY_KEYS = 1000;
    public static final int STICKY_REPEATS = 2;
    public static final int DARK_REQUESTS = 100;

    /** The file that puts the mesh's gateway in place; every scenario is applied on top of it. */
    public static final String GATEWAY_FILE = "00-gateway.yaml";

    private final String file;

    Scenario(String file) {
        this.file = file;
    }

    /** The scenario's file name, e.g. {@code 10-canary.yaml}. */
    public String file() {
        return file;
    }

    /** The scenario's name as the table shows it, e.g. {@code 10-canary}. */
    public String title() {
        return file.substring(0, file.length() - ".yaml".length());
    }

    /** The requests that show this scenario on one path. */
    public abstract List<Probe> probes();

    /** Whether the answers to {@link #probes()} show the scenario working. */
    public abstract Verdict judge(Tally tally);

    /** {@code keys} distinct my-header values, each sent {@code repeats} times, the repeats spread apart. */
    static List<Probe> repeated(int keys, int repeats) {
        List<Probe> probes = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            for (int k = 1; k <= keys; k++) {
                probes.add(Probe.withHeader("my-header", String.format(Locale.ROOT, "user-%04d", k)));
            }
        }
        return probes;
    }

    private static String names(Set<String> versions) {
        return versions == null ? "nothing" : String.join("+", versions);
    }

    private static String failures(Tally t) {
        return t.failures() == 0 ? "" : "; " + t.failures() + " failed, e.g. " + t.problems();
    }
}
