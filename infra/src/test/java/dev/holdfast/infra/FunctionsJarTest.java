package dev.holdfast.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the deployable jar is found: no synth, no node. */
class FunctionsJarTest {

    @Test
    void findsTheJarFromTheRootAndFromInfra(@TempDir Path root) throws IOException {
        Path jar = root.resolve(FunctionsJar.RELATIVE_PATH);
        Files.createDirectories(jar.getParent());
        Files.write(jar, new byte[] {1});
        Files.createDirectories(root.resolve("infra"));

        assertEquals(jar.toAbsolutePath().normalize(), FunctionsJar.resolve(null, root));
        assertEquals(jar.toAbsolutePath().normalize(), FunctionsJar.resolve(null, root.resolve("infra")));
    }

    @Test
    void contextOverridesTheSearch(@TempDir Path dir) throws IOException {
        Path jar = Files.write(dir.resolve("other.jar"), new byte[] {1});
        assertEquals(jar.toAbsolutePath().normalize(), FunctionsJar.resolve("other.jar", dir));
    }

    @Test
    void missingJarSaysHowToBuildIt(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FunctionsJar.resolve(null, dir));
        assertTrue(e.getMessage().contains("./mvnw -pl functions -am package"), e.getMessage());
    }
}
