package io.inboard.agent.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A class loader of an application's own, child of the test's: the packages it is given come from
 * its own copy of their jars, not from the test's class path, as a Spring Boot jar's or a web
 * application's libraries do. Everything else (the agent's classes) is its parent's.
 */
public final class IsolatedLoader extends URLClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final List<String> packages;

  private IsolatedLoader(URL[] jars, List<String> packages) {
    super("isolated", jars, IsolatedLoader.class.getClassLoader());
    this.packages = packages;
  }

  /** A loader with its own copy of the jars {@code types} come from, for {@code packages}. */
  public static IsolatedLoader of(List<Class<?>> types, List<String> packages) throws URISyntaxException {
    List<URL> jars = new ArrayList<>();
    for (Class<?> type : types) {
      try {
        jars.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL());
      } catch (java.net.MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
    return new IsolatedLoader(jars.toArray(URL[]::new), List.copyOf(packages));
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (packages.stream().noneMatch(name::startsWith)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        loaded = findClass(name);
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }
}
