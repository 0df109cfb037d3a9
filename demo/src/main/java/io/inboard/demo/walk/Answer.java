package io.inboard.demo.walk;

/**
 * Who answered one request: the user service version and instance, or why there was no answer.
 *
 * @param status   the HTTP status, 0 when the request got no response at all
 * @param version  the answering user version ({@code null} when failed)
 * @param instance the answering user instance ({@code null} when failed)
 * @param problem  why the request failed, {@code null} when it did not
 */
public record Answer(int status, String version, String instance, String problem) {

    public boolean ok() {
        return problem == null;
    }

    static Answer failed(int status, String problem) {
        return new Answer(status, null, null, problem);
    }
}
