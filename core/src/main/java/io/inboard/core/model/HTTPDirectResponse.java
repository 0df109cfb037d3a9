package io.inboard.core.model;

/** Istio's {@code HTTPDirectResponse}: answer with a fixed status and body ({@code null}: none). */
public record HTTPDirectResponse(int status, String body) {}
