package io.inboard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Spring Boot 3.5 executable jar ({@code boot-app/}: Spring MVC on embedded Tomcat, OkHttp 4, built
 * by {@code spring-boot-maven-plugin repackage}) run as {@code java -javaagent:... -jar app.jar}:
 * Boot's launcher loads Tomcat and OkHttp from {@code BOOT-INF/lib} with a class loader of its own,
 * and the service is routed and propagates as one on the class path is ({@link AppLoaderChecks}),
 * on each JDK.
 */
class SpringBootJarIT extends TwoUserInstances {
  static final Path BOOT_JAR = Path.of(System.getProperty("inboard.it.boot.jar", "../boot-app/target/boot-app.jar"));

  @TempDir static Path dir;

  static List<Jdks.Jdk> runtimes() {
    return Jdks.available();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void aSpringBootJarIsRoutedAndPropagates(Jdks.Jdk jdk) throws Exception {
    assertThat(BOOT_JAR).as("run mvn verify -pl agent-it -am, which builds boot-app first").isRegularFile();
    String name = "spring-boot-" + jdk;
    int adminPort = ServiceCalls.freePort();
    try (ForkedService service = ForkedService.start(name, jdk, AppLoaderChecks.options(dir, name, adminPort, v1, v2),
        List.of("-jar", BOOT_JAR.toString(), "--server.port=0", "--server.address=127.0.0.1"))) {
      AppLoaderChecks.routedAndPropagated(service, adminPort);
    }
  }
}
