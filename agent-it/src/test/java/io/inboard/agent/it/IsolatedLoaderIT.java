package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.agent.it.launch.IsolatedLauncher;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service whose Jetty or Tomcat and OkHttp are loaded by a class loader of its own, child of the
 * system class loader ({@link IsolatedLauncher}: only the launcher is on the system class path);
 * and, as a WAR in a standalone Tomcat, the container in one such loader and the application with
 * its OkHttp in a child of it: the agent defines its library classes in each library's loader, so
 * the service is routed and propagates as one on the class path is ({@link AppLoaderChecks}).
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
    routedAndPropagated(container, "-", ForkedService.CLASSPATH, "ISOLATED application");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jetty", "tomcat"})
  void aContainerAndAnApplicationInAChildLoaderOfItsAreRoutedAndPropagate(String container) throws Exception {
    List<String> containerPath = new ArrayList<>();
    List<String> applicationPath = new ArrayList<>();
    for (String entry : ForkedService.CLASSPATH.split(File.pathSeparator)) {
      boolean application = Files.isDirectory(Path.of(entry)) || entry.matches(".*/(okhttp|okio|kotlin)[^/]*\\.jar");
      (application ? applicationPath : containerPath).add(entry);
    }
    routedAndPropagated(container, String.join(File.pathSeparator, containerPath),
        String.join(File.pathSeparator, applicationPath), "ISOLATED container+application");
  }

  private static void routedAndPropagated(String container, String containerPath, String applicationPath,
      String isolated) throws Exception {
    Jdks.Jdk jdk = Jdks.available().get(0);
    String name = "isolated-" + jdk + "-" + container + (containerPath.equals("-") ? "" : "-war");
    int adminPort = ServiceCalls.freePort();
    try (ForkedService service = ForkedService.start(name, jdk, AppLoaderChecks.options(dir, name, adminPort, v1, v2),
        List.of("-cp", launcherOnly().toString(), IsolatedLauncher.class.getName(), containerPath, applicationPath,
            "io.inboard.agent.it.app.MeshService", container))) {
      assertThat(service.output()).contains(isolated);
      AppLoaderChecks.routedAndPropagated(service, adminPort);
    }
  }
}
