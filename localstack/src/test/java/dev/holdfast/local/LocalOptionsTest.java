package dev.holdfast.local;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LocalOptionsTest {
    @Test
    void defaultsServeOn8080InMemory() {
        LocalOptions o = LocalOptions.parse(new String[0]);
        assertEquals(8080, o.port());
        assertNull(o.dataDir());
        assertNull(o.endpointsFile());
        assertNull(o.awsEndpoint());
    }

    @Test
    void readsEveryFlag() {
        LocalOptions o = LocalOptions.parse(new String[]{"--port", "9000", "--endpoints-file", "x/e.json",
                "--data-dir", "d", "--aws-endpoint", "http://localhost:4566"});
        assertEquals(9000, o.port());
        assertEquals(Path.of("x/e.json"), o.endpointsFile());
        assertEquals(Path.of("d"), o.dataDir());
        assertEquals(URI.create("http://localhost:4566"), o.awsEndpoint());
    }

    @Test
    void refusesBadFlags() {
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--port"}));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--port", "x"}));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--port", "70000"}));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--nope", "1"}));
    }
}
