package io.inboard.agent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Two instances of {@code user} on 127.0.0.1 for the tests of one class, v1 and v2, each answering
 * with the line of what it received ({@link EchoServer}); register them in a rules file with
 * {@code MeshFile.instances("user", namespace, v1, v2)}.
 */
abstract class TwoUserInstances {
  static EchoServer v1;
  static EchoServer v2;

  @BeforeAll
  static void startUser() throws Exception {
    v1 = new EchoServer("v1", "user-v1");
    v2 = new EchoServer("v2", "user-v2");
  }

  @AfterAll
  static void stopUser() throws Exception {
    if (v1 != null) {
      v1.close();
    }
    if (v2 != null) {
      v2.close();
    }
  }
}
