package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.agent.it.launch.IsolatedLauncher;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service whose Jetty or Tomcat and OkHttp are loaded by a class loader of its own, child of the
 * system class loader ({@link IsolatedLauncher}: only the launcher is on the system class path):
 * the agent defines its library classes in that loader, so the service is routed and propagates
 * as one on the class path is ({@link AppLoaderChecks}).
 */
class IsolatedLoaderIT extends TwoUserInstances {
  @TempDir static Path dir;

  /** A directory holding the launcher alone: the forked JVM's system class path. */
  static Path launcherOnly() throws Exception {
    String resource = IsolatedLauncher.class.getName().replace('.', '/') + ".class";
    Path root = Path.of("target", "isolated-launcher");
    Path target = root.resolve(resource);
    Files.createDirectories(target.getParent());
    try (InputStream in = IsolatedLauncher.class.getClassLoader().getResourceAsStream(resource)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return root;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jetty", "tomcat"})
  void aServiceWhoseLibrariesHaveALoaderOfTheirOwnIsRoutedAndPropagates(String container) throws Exception {
    Jdks.Jdk jdk = Jdks.available().get(0);
    String name = "isolated-" + jdk + "-" + container;
    int adminPort = ServiceCalls.freePort();
    try (ForkedService service = ForkedService.start(name, jdk, AppLoaderChecks.options(dir, name, adminPort, v1, v2),
        List.of("-cp", launcherOnly().toString(), IsolatedLauncher.class.getName(), ForkedService.CLASSPATH,
            "io.inboard.agent.it.app.MeshService", container))) {
      assertThat(service.output()).contains("ISOLATED application");
      AppLoaderChecks.routedAndPropagated(service, adminPort);
    }
  }
}
