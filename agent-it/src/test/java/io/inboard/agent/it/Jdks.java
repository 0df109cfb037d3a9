package io.inboard.agent.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Java runtimes the forked services run on: the one running the tests, and Java 25 if installed. */
final class Jdks {
  static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

  private Jdks() {}

  static List<Jdk> available() {
    List<Jdk> jdks = new ArrayList<>();
    Path current = Path.of(System.getProperty("java.home"));
    jdks.add(new Jdk("java" + Runtime.version().feature(), current.resolve("bin/java")));
    for (Path home : List.of(JAVA_25)) {
      Path java = home.resolve("bin/java");
      if (Files.isExecutable(java) && !sameFile(home, current)) {
        jdks.add(new Jdk(home.getFileName().toString().replaceAll("^temurin-(\\d+).*", "java$1"), java));
      }
    }
    return jdks;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return a.toRealPath().equals(b.toRealPath());
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** A Java runtime: a short name for test reports and its {@code java} executable. */
  record Jdk(String name, Path java) {
    @Override
    public String toString() {
      return name;
    }
  }
}
