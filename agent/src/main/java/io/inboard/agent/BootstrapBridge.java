package io.inboard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * Puts the bridge jar, which travels inside the agent jar, on the bootstrap class path, so that
 * advice inlined into JDK classes and into any class loader's classes can reach the same hooks
 * and context slot.
 */
final class BootstrapBridge {
  static final String RESOURCE = "inboard-bridge.jar";
  static final String PROBE = "io.inboard.bridge.ContextSlot";

  private BootstrapBridge() {}

  static void append(Instrumentation instrumentation) throws IOException {
    if (loadedOnBootstrap()) {
      return; // attached twice, or the bridge was put there by -Xbootclasspath/a
    }
    Path jar = Files.createTempFile("inboard-bridge-", ".jar");
    jar.toFile().deleteOnExit();
    try (InputStream in = BootstrapBridge.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the agent jar lacks " + RESOURCE + "; rebuild it with mvn package");
      }
      Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
    }
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
  }

  private static boolean loadedOnBootstrap() {
    try {
      Class.forName(PROBE, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
