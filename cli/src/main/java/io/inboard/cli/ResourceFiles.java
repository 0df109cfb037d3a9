package io.inboard.cli;

import io.inboard.core.diag.Diagnostic;
import io.inboard.core.parse.ParseResult;
import io.inboard.core.parse.ParsedResource;
import io.inboard.core.parse.ResourceParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How {@code validate}, {@code explain} and {@code apply} read their files, so that the three
 * agree: the same limits and messages for a file they cannot read, and the same answer when one
 * resource is defined in several files (the later definition replaces the earlier, as applying the
 * files one after the other would).
 */
final class ResourceFiles {
  /**
   * The largest file read, in bytes. The routing core parses at most {@link ResourceParser#MAX_CHARS}
   * characters of one input anyway, and the config server takes at most 1 MiB per apply.
   */
  static final long MAX_BYTES = 16L * 1024 * 1024;

  private ResourceFiles() {}

  /** One input: its name as given ('-' for standard input, or a file found in a named directory) and its text. */
  record Input(String name, String text) {}

  /**
   * The resources of all inputs, the later definition of a resource replacing the earlier, and every
   * diagnostic in input order (among them a warning for each replaced definition, listed in
   * {@code replacements} too).
   */
  record Loaded(List<ParsedResource> resources, List<Diagnostic> diagnostics, List<Diagnostic> replacements) {
    boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /**
     * For the online commands, which send nothing when the files are invalid (the config server,
     * parsing with the same core, would refuse them too): prints the errors, each with where it is,
     * and then {@code consequence}; whether there were any.
     */
    boolean printErrors(String consequence) {
      List<Diagnostic> errors = diagnostics.stream().filter(Diagnostic::isError).toList();
      if (errors.isEmpty()) {
        return false;
      }
      System.err.println("error: " + errors.size() + (errors.size() == 1 ? " problem" : " problems")
          + " in the files; " + consequence);
      errors.forEach(d -> System.err.println("  " + where(d) + d.message()));
      return true;
    }

    private static String where(Diagnostic d) {
      String w = ((d.resource() == null ? "" : d.resource()) + " " + (d.path() == null ? "" : d.path())).trim();
      return w.isEmpty() ? "" : w + ": ";
    }
  }

  /**
   * Reads the named inputs, in order; with {@code directories}, a directory stands for its
   * {@code *.yaml}, {@code *.yml} and {@code *.json} files, by name.
   *
   * @throws IOException "cannot read NAME: why", for the first input that cannot be read
   */
  static List<Input> readAll(List<String> names, boolean directories) throws IOException {
    List<Input> inputs = new ArrayList<>();
    for (String name : names) {
      Path p = name.equals("-") ? null : Path.of(name);
      if (directories && p != null && Files.isDirectory(p)) {
        List<Path> found;
        try (Stream<Path> s = Files.list(p)) {
          found = s.filter(ResourceFiles::isResourceFile).sorted().toList();
        } catch (IOException e) {
          throw new IOException("cannot read " + name + ": " + describe(e), e);
        }
        if (found.isEmpty()) {
          throw new IOException("cannot read " + name + ": the directory holds no *.yaml, *.yml or *.json file");
        }
        for (Path f : found) {
          inputs.add(new Input(f.toString(), read(f.toString())));
        }
      } else {
        inputs.add(new Input(name, read(name)));
      }
    }
    return inputs;
  }

  /**
   * Reads one file ('-': standard input) as UTF-8 text.
   *
   * @throws IOException "cannot read NAME: why": no such file, permission denied, a directory,
   *     larger than {@link #MAX_BYTES}, or not valid UTF-8
   */
  static String read(String name) throws IOException {
    byte[] bytes;
    if (name.equals("-")) {
      bytes = readBounded(System.in, name);
    } else {
      Path path = Path.of(name);
      if (Files.isDirectory(path)) {
        throw new IOException("cannot read " + name + ": it is a directory; name the files in it (e.g. -f "
            + name + "/*.yaml)");
      }
      long size;
      try {
        size = Files.isRegularFile(path) ? Files.size(path) : 0;
      } catch (IOException e) {
        throw new IOException("cannot read " + name + ": " + describe(e), e);
      }
      if (size > MAX_BYTES) {
        throw tooLarge(name, size);
      }
      try (InputStream in = Files.newInputStream(path)) {
        bytes = readBounded(in, name); // a pipe or device has no size to check first
      } catch (TooLarge e) {
        throw e;
      } catch (IOException e) {
        throw new IOException("cannot read " + name + ": " + describe(e), e);
      }
    }
    return decode(bytes, name);
  }

  /**
   * Parses each input with the routing core's parser (a resource defined twice in one input stays
   * an error), then keeps only the last definition of each resource across inputs, warning that it
   * replaces the earlier. An input without any document is an error, as the config server refuses an
   * apply of nothing. Diagnostics name the input when there are several.
   */
  static Loaded parse(List<Input> inputs) {
    boolean several = inputs.size() > 1;
    List<Diagnostic> diagnostics = new ArrayList<>();
    List<Diagnostic> replacements = new ArrayList<>();
    Map<String, ParsedResource> resources = new LinkedHashMap<>();
    Map<String, String> definedIn = new LinkedHashMap<>();
    for (Input input : inputs) {
      String source = several ? input.name() : "";
      ParseResult result = ResourceParser.parse(input.text(), source);
      diagnostics.addAll(result.diagnostics());
      if (result.resources().isEmpty() && result.diagnostics().isEmpty()) {
        diagnostics.add(Diagnostic.error(input.name().equals("-") ? "standard input" : input.name(), "",
            "holds no document (it is empty, or only comments); give it at least one resource, or leave it out"));
      }
      for (ParsedResource r : result.resources()) {
        String key = r.resource().kind() + " " + r.resource().key();
        String first = definedIn.put(key, input.name());
        if (first != null) {
          Diagnostic replaced = Diagnostic.warning((source.isEmpty() ? "" : source + " ") + key,
              "metadata.name", "also defined in " + first + "; applied together, this one replaces it");
          diagnostics.add(replaced);
          replacements.add(replaced);
          resources.remove(key); // the later definition goes where it was written: after the earlier files
        }
        resources.put(key, r);
      }
    }
    return new Loaded(List.copyOf(resources.values()), diagnostics, replacements);
  }

  private static boolean isResourceFile(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
  }

  private static byte[] readBounded(InputStream in, String name) throws IOException {
    byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(name, -1);
    }
    return bytes;
  }

  /** A file over {@link #MAX_BYTES}: its message is final. */
  private static final class TooLarge extends IOException {
    TooLarge(String message) {
      super(message);
    }
  }

  private static IOException tooLarge(String name, long size) {
    return new TooLarge("cannot read " + name + ": it is " + (size < 0 ? "more than " + MAX_BYTES : size)
        + " bytes, larger than the " + (MAX_BYTES >> 20) + " MiB a resource file may be; split it into several files");
  }

  private static String decode(byte[] bytes, String name) throws IOException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new IOException("cannot read " + name + ": it is not valid UTF-8 (bad byte at offset "
          + in.position() + "); save it as UTF-8");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
