package io.inboard.core.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One file as it is now, to tell whether it changed since it was read: where its symbolic links
 * lead, its size and its modification time, or that it is missing or unreadable. Resolving the
 * links is what sees Kubernetes renew a mounted secret: it writes the new files into a new
 * directory and swaps the {@code ..data} link to it in one step, so the real path moves even when
 * size and time would not tell.
 *
 * @param real {@code null} when the file is missing or unreadable
 * @param trouble {@code null}, {@code "missing"}, or the kind of failure that kept it from being read
 */
public record FileStamp(Path path, Path real, long size, FileTime modified, String trouble) {

  /** The stamp of {@code path} now: a {@code stat} or two, no reading. */
  public static FileStamp of(Path path) {
    try {
      Path real = path.toRealPath();
      BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
      return new FileStamp(path, real, attributes.size(), attributes.lastModifiedTime(), null);
    } catch (NoSuchFileException e) {
      return new FileStamp(path, null, -1, null, "missing");
    } catch (IOException | SecurityException e) {
      return new FileStamp(path, null, -1, null, e.getClass().getSimpleName());
    }
  }

  /** The stamps of {@code paths} now, in their order; equal lists mean nothing changed. */
  public static List<FileStamp> of(Collection<Path> paths) {
    List<FileStamp> out = new ArrayList<>(paths.size());
    for (Path path : paths) {
      out.add(of(path));
    }
    return out;
  }
}
