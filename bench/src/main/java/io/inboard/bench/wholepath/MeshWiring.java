package io.inboard.bench.wholepath;

import io.inboard.bench.harness.Launched;
import java.util.List;

/**
 * How the inboard set-up's JVMs get the agent and the {@code 10-canary} rules: a standalone rules
 * file, or the real config server.
 */
interface MeshWiring {
  /** Called once the user instances' ports are chosen, before any JVM starts. */
  void prepare(int userV1Port, int userV2Port);

  /** The JVM options that attach the agent to one service instance. */
  List<String> agentOptions(String service, String version, int port);

  /** Processes the wiring started itself (the config server), charged to no set-up. */
  List<Launched> support();

  /** One line for the report. */
  String describe();
}
