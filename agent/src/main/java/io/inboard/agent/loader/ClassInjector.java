package io.inboard.agent.loader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Defines a library's agent classes ({@link LibraryClasses}) in an application's class loader, from
 * their bytes in the agent's jar, once per loader. The loaders are weak keys: a web application's
 * loader that is dropped (a redeployed WAR) is collected with the copies defined in it.
 */
public final class ClassInjector {
  private final ClassLoader own;
  /** {@code ClassLoader.defineClass(String, byte[], int, int, ProtectionDomain)}, accessible. */
  private final Method define;
  /** The classes defined in each loader so far; their names only, so nothing here pins a loader. */
  private final Map<ClassLoader, Set<String>> defined = new WeakHashMap<>();

  /**
   * @param own the loader of the agent's classes, whose resources hold their bytes
   * @param define the JDK's {@code ClassLoader.defineClass}, made accessible; {@code null} when it
   *     could not be had, and then every library outside the agent's own loader is left alone
   */
  public ClassInjector(ClassLoader own, Method define) {
    this.own = own;
    this.define = define;
  }

  /** The agent's own class loader: classes it sees need no copy. */
  ClassLoader own() {
    return own;
  }

  /**
   * The entry class of {@code library} as defined in {@code loader}, with every class of the
   * library's (supertypes first: defining a class resolves them); defines those not there yet.
   * Locked: the loaders of a library are few and each is handled once, off the request path.
   */
  public synchronized Class<?> inject(LibraryClasses library, ClassLoader loader) throws Exception {
    if (define == null) {
      throw new IllegalStateException(
          "the agent cannot define its classes in the class loader of " + library.library() + " (see its start)");
    }
    Set<String> done = defined.computeIfAbsent(loader, k -> new HashSet<>());
    Map<String, byte[]> classes = read(library);
    for (String name : classes.keySet()) {
      defineWithSupertypes(name, classes, loader, done);
    }
    return Class.forName(library.entry(), false, loader);
  }

  private void defineWithSupertypes(String name, Map<String, byte[]> classes, ClassLoader loader, Set<String> done)
      throws Exception {
    if (done.contains(name)) {
      return;
    }
    byte[] bytes = classes.get(name);
    ClassReader reader = new ClassReader(bytes);
    List<String> supertypes = new ArrayList<>(List.of(reader.getInterfaces()));
    if (reader.getSuperName() != null) {
      supertypes.add(reader.getSuperName());
    }
    for (String supertype : supertypes) {
      String binary = supertype.replace('/', '.');
      if (classes.containsKey(binary)) {
        defineWithSupertypes(binary, classes, loader, done);
      }
    }
    try {
      define.invoke(loader, name, bytes, 0, bytes.length, null);
    } catch (InvocationTargetException e) {
      // A LinkageError for a class the loader has already (defined by another agent instance, or
      // by an earlier attempt that failed half-way) leaves that copy in use; anything else is fatal.
      if (!(e.getCause() instanceof LinkageError) || !definedIn(name, loader)) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
    done.add(name);
  }

  private static boolean definedIn(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader).getClassLoader() == loader;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The bytes of every class of {@code library}'s, nested ones included, by binary name. */
  Map<String, byte[]> read(LibraryClasses library) throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    for (String name : library.classes()) {
      readWithNested(name, classes);
    }
    return classes;
  }

  /** Reads {@code name}'s bytes, then its nested classes' (named in its {@code InnerClasses}). */
  private void readWithNested(String name, Map<String, byte[]> classes) throws IOException {
    if (classes.containsKey(name)) {
      return;
    }
    byte[] bytes = read(name);
    classes.put(name, bytes);
    String prefix = name.replace('.', '/') + "$";
    List<String> nested = new ArrayList<>();
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public void visitInnerClass(String inner, String outer, String simple, int access) {
                if (inner.startsWith(prefix)) {
                  nested.add(inner.replace('/', '.'));
                }
              }
            },
            ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    for (String each : nested) {
      readWithNested(each, classes);
    }
  }

  private byte[] read(String name) throws IOException {
    String resource = name.replace('.', '/') + ".class";
    try (InputStream in = own.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("the agent's jar lacks " + resource);
      }
      return in.readAllBytes();
    }
  }
}
