package io.inboard.demo.walk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What a batch of requests found: answers per version, and which versions and instances each key reached. */
public final class Tally {

    private final Map<String, Integer> byVersion = new TreeMap<>();
    private final Map<String, Set<String>> versionsByKey = new TreeMap<>();
    private final Map<String, Set<String>> instancesByKey = new TreeMap<>();
    private final Set<String> instances = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();
    private int requests;
    private int failures;

    public synchronized void add(Probe probe, Answer answer) {
        requests++;
        if (!answer.ok()) {
            failures++;
            if (problems.size() < 5) {
                problems.add(probe.key() + ": " + answer.problem());
            }
            return;
        }
        byVersion.merge(answer.version(), 1, Integer::sum);
        versionsByKey.computeIfAbsent(probe.key(), k -> new TreeSet<>()).add(answer.version());
        instancesByKey.computeIfAbsent(probe.key(), k -> new TreeSet<>()).add(answer.instance());
        instances.add(answer.instance());
    }

    public synchronized int requests() {
        return requests;
    }

    public synchronized int failures() {
        return failures;
    }

    /** The first few failures, each with its key and reason. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** The share of answered requests that {@code version} answered (0 when none was answered). */
    public synchronized double share(String version) {
        int answered = requests - failures;
        return answered == 0 ? 0 : byVersion.getOrDefault(version, 0) / (double) answered;
    }

    public synchronized int answeredBy(String version) {
        return byVersion.getOrDefault(version, 0);
    }

    public synchronized Map<String, Set<String>> versionsByKey() {
        return Collections.unmodifiableMap(new TreeMap<>(versionsByKey));
    }

    public synchronized Map<String, Set<String>> instancesByKey() {
        return Collections.unmodifiableMap(new TreeMap<>(instancesByKey));
    }

    public synchronized int keys() {
        return versionsByKey.size();
    }

    public synchronized long keysOnOneVersion() {
        return versionsByKey.values().stream().filter(v -> v.size() == 1).count();
    }

    public synchronized long keysOnOneInstance() {
        return instancesByKey.values().stream().filter(i -> i.size() == 1).count();
    }

    /** The share of keys that reached {@code version} only. */
    public synchronized double keyShare(String version) {
        if (versionsByKey.isEmpty()) {
            return 0;
        }
        long on = versionsByKey.values().stream().filter(v -> v.equals(Set.of(version))).count();
        return on / (double) versionsByKey.size();
    }

    public synchronized Set<String> instancesUsed() {
        return Set.copyOf(instances);
    }
}
