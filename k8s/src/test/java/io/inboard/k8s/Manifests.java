package io.inboard.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The manifests as kustomize would collect them: every kustomization under {@code k8s/}, the
 * files it lists, and the Kubernetes objects in those files, read with the fabric8 model.
 */
final class Manifests {

    /** One object and the file it came from, for messages that say where to look. */
    record Entry(HasMetadata object, Path file) {}

    /** One kustomization.yaml and what it says. */
    record Kustomization(Path dir, Map<String, Object> content) {
        @SuppressWarnings("unchecked")
        List<String> list(String key) {
            Object value = content.get(key);
            return value == null ? List.of() : (List<String>) value;
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> maps(String key) {
            Object value = content.get(key);
            return value == null ? List.of() : (List<Map<String, Object>>) value;
        }

        String namespace() {
            return (String) content.get("namespace");
        }
    }

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    final Path root;
    final List<Kustomization> kustomizations = new ArrayList<>();
    final List<Entry> entries = new ArrayList<>();

    Manifests(Path root) {
        this.root = root;
        try (var files = Files.walk(root)) {
            files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .filter(p -> !p.startsWith(root.resolve("target")))
                    .sorted()
                    .forEach(this::readKustomization);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private void readKustomization(Path file) {
        Map<String, Object> content = SERIALIZATION.unmarshal(read(file), Map.class);
        Kustomization k = new Kustomization(file.getParent(), content);
        kustomizations.add(k);
        for (String resource : k.list("resources")) {
            Path path = k.dir().resolve(resource).normalize();
            if (Files.isRegularFile(path)) {
                for (HasMetadata object : objectsIn(path)) {
                    entries.add(new Entry(object, path));
                }
            }
        }
    }

    static List<HasMetadata> objectsIn(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object parsed = SERIALIZATION.unmarshal(in);
            if (parsed instanceof KubernetesList list) {
                return list.getItems();
            }
            if (parsed instanceof List<?> list) {
                return list.stream().map(HasMetadata.class::cast).toList();
            }
            return List.of((HasMetadata) parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return entries.stream().map(Entry::object).filter(type::isInstance).map(type::cast).toList();
    }

    Path fileOf(HasMetadata object) {
        return entries.stream().filter(e -> e.object() == object).map(Entry::file).findFirst().orElseThrow();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
