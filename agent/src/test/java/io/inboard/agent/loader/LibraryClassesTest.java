package io.inboard.agent.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.agent.instrument.inbound.AgentInboundHook;
import io.inboard.agent.instrument.outbound.AgentOutboundHook;
import io.inboard.filter.FilterSettings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The lists of classes copied into an application's class loader hold what a copy needs: every agent
 * class that links against a library is copied with it (a class left out would be loaded by the
 * agent's loader, which lacks the library), and a copy reaches the shared classes through their
 * public members only (a copy's package is another runtime package, so package-private access
 * fails with an {@code IllegalAccessError} there, and only there).
 */
class LibraryClassesTest {
  static final List<LibraryClasses> LIBRARIES =
      List.of(AgentOutboundHook.OKHTTP, AgentInboundHook.JETTY, AgentInboundHook.TOMCAT);
  static final List<String> LIBRARY_PACKAGES =
      List.of("okhttp3/", "org/eclipse/jetty/", "org/apache/catalina/", "org/apache/tomcat/", "jakarta/servlet/");

  private final ClassInjector injector = new ClassInjector(getClass().getClassLoader(), null);

  @Test
  void everyAgentClassThatLinksAgainstALibraryIsCopiedWithIt() throws Exception {
    Set<String> copied = new TreeSet<>();
    for (LibraryClasses library : LIBRARIES) {
      copied.addAll(injector.read(library).keySet());
    }
    Set<String> linking = new TreeSet<>();
    for (Map.Entry<String, byte[]> each : agentClasses().entrySet()) {
      if (typesUsed(each.getValue()).stream().anyMatch(t -> LIBRARY_PACKAGES.stream().anyMatch(t::startsWith))) {
        linking.add(each.getKey());
      }
    }
    assertThat(linking).as("agent classes that link against a library").isNotEmpty();
    assertThat(copied).containsAll(linking);
  }

  @Test
  void copiesReachTheSharedClassesThroughPublicMembersOnly() throws Exception {
    Set<String> violations = new TreeSet<>();
    for (LibraryClasses library : LIBRARIES) {
      Map<String, byte[]> classes = injector.read(library);
      for (Map.Entry<String, byte[]> each : classes.entrySet()) {
        for (String use : nonPublicUses(each.getValue(), classes.keySet())) {
          violations.add(library.library() + ": " + each.getKey() + " uses " + use);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void eachEntryIsPublicWithAPublicConstructorOfOneArgument() throws Exception {
    for (LibraryClasses library : LIBRARIES) {
      Class<?> entry = Class.forName(library.entry(), false, getClass().getClassLoader());
      assertThat(Modifier.isPublic(entry.getModifiers())).as(library.entry()).isTrue();
      assertThat(entry.getConstructors()).as(library.entry()).anyMatch(c -> c.getParameterCount() == 1);
    }
  }

  /** The shared (not copied) agent classes that {@code bytes} reaches other than publicly. */
  private static List<String> nonPublicUses(byte[] bytes, Set<String> copied) {
    List<String> uses = new ArrayList<>();
    ClassReader reader = new ClassReader(bytes);
    List<String> supertypes = new ArrayList<>(List.of(reader.getInterfaces()));
    supertypes.add(reader.getSuperName());
    supertypes.forEach(t -> checkType(t, copied, uses));
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
              @Override
              public void visitTypeInsn(int opcode, String type) {
                checkType(type, copied, uses);
              }

              @Override
              public void visitFieldInsn(int opcode, String owner, String field, String descriptor) {
                checkMember(owner, field, descriptor, copied, uses);
              }

              @Override
              public void visitMethodInsn(int opcode, String owner, String method, String descriptor, boolean itf) {
                checkMember(owner, method, descriptor, copied, uses);
              }

              @Override
              public void visitLdcInsn(Object value) {
                if (value instanceof Type type && type.getSort() == Type.OBJECT) {
                  checkType(type.getInternalName(), copied, uses);
                }
              }

              @Override
              public void visitInvokeDynamicInsn(String n, String d, Handle bootstrap, Object... arguments) {
                for (Object argument : arguments) {
                  if (argument instanceof Handle handle) {
                    checkMember(handle.getOwner(), handle.getName(), handle.getDesc(), copied, uses);
                  }
                }
              }
            };
          }
        },
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return uses;
  }

  private static boolean shared(String internalName, Set<String> copied) {
    String name = internalName.replace('/', '.');
    return internalName.startsWith("io/inboard/") && !copied.contains(name);
  }

  private static void checkType(String internalName, Set<String> copied, List<String> uses) {
    if (internalName.startsWith("[")) {
      Type element = Type.getType(internalName).getElementType();
      if (element.getSort() == Type.OBJECT) {
        checkType(element.getInternalName(), copied, uses);
      }
      return;
    }
    if (shared(internalName, copied) && !Modifier.isPublic(load(internalName).getModifiers())) {
      uses.add("the class " + internalName);
    }
  }

  private static void checkMember(String owner, String name, String descriptor, Set<String> copied, List<String> uses) {
    if (!shared(owner, copied)) {
      return;
    }
    checkType(owner, copied, uses);
    int modifiers = descriptor.startsWith("(") ? method(load(owner), name, descriptor) : field(load(owner), name);
    if (!Modifier.isPublic(modifiers)) {
      uses.add(owner + "." + name + descriptor);
    }
  }

  private static int method(Class<?> type, String name, String descriptor) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      List<Executable> candidates = new ArrayList<>(List.of(c.getDeclaredMethods()));
      candidates.addAll(List.of(c.getDeclaredConstructors()));
      for (Executable each : candidates) {
        String eachName = each instanceof Constructor<?> ? "<init>" : each.getName();
        String eachDescriptor = each instanceof Method m ? Type.getMethodDescriptor(m)
            : Type.getConstructorDescriptor((Constructor<?>) each);
        if (eachName.equals(name) && eachDescriptor.equals(descriptor)) {
          return each.getModifiers();
        }
      }
      for (Class<?> implemented : c.getInterfaces()) {
        int found = method(implemented, name, descriptor);
        if (found != -1) {
          return found;
        }
      }
    }
    return type.isInterface() ? -1 : 0;
  }

  private static int field(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Field each : c.getDeclaredFields()) {
        if (each.getName().equals(name)) {
          return each.getModifiers();
        }
      }
    }
    return 0;
  }

  private static Class<?> load(String internalName) {
    try {
      return Class.forName(internalName.replace('/', '.'), false, LibraryClassesTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** Every type a class names in its supertypes, signatures, code and constants (not in strings). */
  private static Set<String> typesUsed(byte[] bytes) {
    Set<String> types = new TreeSet<>();
    ClassReader reader = new ClassReader(bytes);
    types.addAll(List.of(reader.getInterfaces()));
    if (reader.getSuperName() != null) {
      types.add(reader.getSuperName());
    }
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public org.objectweb.asm.FieldVisitor visitField(int access, String name, String desc, String sig, Object value) {
            addDescriptor(types, desc);
            return null;
          }

          @Override
          public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exceptions) {
            addDescriptor(types, desc);
            return new MethodVisitor(Opcodes.ASM9) {
              @Override
              public void visitTypeInsn(int opcode, String type) {
                addDescriptor(types, type.startsWith("[") ? type : "L" + type + ";");
              }

              @Override
              public void visitFieldInsn(int opcode, String owner, String field, String descriptor) {
                types.add(owner);
                addDescriptor(types, descriptor);
              }

              @Override
              public void visitMethodInsn(int opcode, String owner, String method, String descriptor, boolean itf) {
                types.add(owner);
                addDescriptor(types, descriptor);
              }

              @Override
              public void visitLdcInsn(Object value) {
                if (value instanceof Type type) {
                  addDescriptor(types, type.getDescriptor());
                }
              }

              @Override
              public void visitTryCatchBlock(
                  org.objectweb.asm.Label start, org.objectweb.asm.Label end, org.objectweb.asm.Label handler, String type) {
                if (type != null) {
                  types.add(type);
                }
              }
            };
          }
        },
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return types;
  }

  /** Adds the object types a field or method descriptor names. */
  private static void addDescriptor(Set<String> types, String descriptor) {
    for (int i = descriptor.indexOf('L'); i >= 0; i = descriptor.indexOf('L', i)) {
      int end = descriptor.indexOf(';', i);
      types.add(descriptor.substring(i + 1, end));
      i = end;
    }
  }

  /** The agent's own classes and the filter module's, by binary name. */
  private static Map<String, byte[]> agentClasses() throws IOException, URISyntaxException {
    Map<String, byte[]> classes = new java.util.TreeMap<>();
    for (Class<?> of : List.of(AgentOutboundHook.class, FilterSettings.class)) {
      Path location = Path.of(of.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        try (Stream<Path> files = Files.walk(location)) {
          for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
            String name = location.relativize(file).toString().replace(java.io.File.separatorChar, '.');
            classes.put(name.substring(0, name.length() - ".class".length()), Files.readAllBytes(file));
          }
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          for (var entry : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
            try (InputStream in = jar.getInputStream(entry)) {
              String name = entry.getName().replace('/', '.');
              classes.put(name.substring(0, name.length() - ".class".length()), in.readAllBytes());
            }
          }
        }
      }
    }
    classes.keySet().removeIf(n -> n.endsWith("module-info"));
    return classes;
  }
}
