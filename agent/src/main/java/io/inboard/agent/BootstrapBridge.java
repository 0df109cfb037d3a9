package io.inboard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    Path jar = newFile();
    jar.toFile().deleteOnExit();
    try (InputStream in = BootstrapBridge.class.getResourceAsStream(RESOURCE);
        OutputStream out = Files.newOutputStream(jar, StandardOpenOption.WRITE)) {
      if (in == null) {
        throw new IOException("the agent jar lacks " + RESOURCE + "; rebuild it with mvn package");
      }
      in.transferTo(out);
    }
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
  }

  /**
   * A new, empty file of our own in the temporary directory. Not {@code Files.createTempFile}: its
   * names come from a {@code SecureRandom}, whose set-up (security providers) costs premain tens of
   * milliseconds. Creating with {@code CREATE_NEW} is what makes it safe: it fails on any file or
   * link already there, so another user cannot plant a jar for the bootstrap class path.
   */
  private static Path newFile() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    for (int attempt = 0; ; attempt++) {
      // Unique enough to rarely collide; CREATE_NEW settles the rest.
      Path candidate =
          dir.resolve(
              "inboard-bridge-"
                  + Long.toHexString(System.nanoTime())
                  + Integer.toHexString(System.identityHashCode(dir))
                  + ".jar");
      try {
        return Files.createFile(candidate);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
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
