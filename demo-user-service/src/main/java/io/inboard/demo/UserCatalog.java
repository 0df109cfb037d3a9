package io.inboard.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users the service knows, in the answer format of each version: v1 lists display names,
 * v2 nests structured users under {@code data} — the incompatible change a canary protects.
 */
final class UserCatalog {

    private record User(String firstName, String lastName, String email) {}

    private static final List<User> USERS = List.of(
            new User("Alice", "Smith", "alice@example.com"),
            new User("Bob", "Jones", "bob@example.com"),
            new User("Carol", "Lee", "carol@example.com"));

    private UserCatalog() {}

    /** Adds the users to {@code body} in the format of {@code version}. */
    static void addUsers(String version, Map<String, Object> body) {
        if (DEFAULT_FORMAT_VERSION.equals(version)) {
            body.put("users", USERS.stream()
                    .map(u -> Map.of("name", u.firstName() + " " + u.lastName()))
                    .toList());
        } else {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("count", USERS.size());
            data.put("users", USERS.stream().map(u -> {
                Map<String, Object> user = new LinkedHashMap<>();
                user.put("firstName", u.firstName());
                user.put("lastName", u.lastName());
                user.put("email", u.email());
                return user;
            }).toList());
            body.put("data", data);
        }
    }

    /** The only version that keeps the original format; every later one uses the new one. */
    private static final String DEFAULT_FORMAT_VERSION = "v1";
}
