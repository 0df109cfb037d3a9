package io.inboard.bench.wholepath;

import io.inboard.bench.harness.Launched;
import java.util.List;

/**
 * One way of wiring {@code frontend -> user}: its name ({@code plain}, {@code plain-canary},
 * {@code inboard}, {@code proxy}), the port the load is sent to (the frontend's), the processes on
 * the request path whose CPU and memory are charged to it, and supporting processes that are not
 * (the config server, like istiod, is reported on its own), and the service instances the frontend
 * calls (among the processes).
 */
record Setup(String name, int entryPort, List<Launched> processes, List<Launched> support, List<Launched> instances,
    String description) {}
