package dev.holdfast.infra;

import software.amazon.awscdk.services.lambda.Code;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A tiny jar standing in for the shaded functions jar, so the template tests need neither the
 * {@code package} phase of the functions module nor the cost of hashing and staging 10 MB.
 */
final class PlaceholderCode {
    private PlaceholderCode() {}

    static Code create() {
        try {
            Path jar = Files.createTempFile("holdfast-placeholder-", ".jar");
            jar.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("placeholder.txt"));
                zip.write("not a real function".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return Code.fromAsset(jar.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
