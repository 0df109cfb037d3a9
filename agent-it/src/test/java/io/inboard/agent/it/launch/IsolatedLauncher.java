package io.inboard.agent.it.launch;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs an application from a class loader of its own, child of the system class loader, as a
 * Spring Boot jar's launcher or a servlet container does: the only class on the system class path
 * is this one, so the application's libraries (Jetty, Tomcat, OkHttp) are out of the agent's sight.
 *
 * <p>Usage: {@code IsolatedLauncher CONTAINER-CLASSPATH APPLICATION-CLASSPATH MAIN-CLASS ARGS...}.
 * With a container class path (not {@code -}), the application's loader is a child of a
 * container's loader holding that class path, as a web application's loader in a standalone
 * Tomcat is a child of Tomcat's common loader. Prints {@code ISOLATED <loader names>} once it has
 * checked that the system class loader lacks OkHttp.
 */
public final class IsolatedLauncher {
  private IsolatedLauncher() {}

  public static void main(String[] args) throws Throwable {
    try {
      ClassLoader.getSystemClassLoader().loadClass("okhttp3.OkHttpClient");
      throw new IllegalStateException("OkHttp is on the system class path: the application is not isolated");
    } catch (ClassNotFoundException expected) {
      // as it should be
    }
    ClassLoader parent = ClassLoader.getSystemClassLoader();
    String names = "application";
    if (!args[0].equals("-")) {
      parent = new URLClassLoader("container", urls(args[0]), parent);
      names = "container+application";
    }
    URLClassLoader application = new URLClassLoader("application", urls(args[1]), parent);
    Thread.currentThread().setContextClassLoader(application);
    System.out.println("ISOLATED " + names);
    application
        .loadClass(args[2])
        .getMethod("main", String[].class)
        .invoke(null, (Object) Arrays.copyOfRange(args, 3, args.length));
  }

  private static URL[] urls(String classpath) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    return urls.toArray(URL[]::new);
  }
}
