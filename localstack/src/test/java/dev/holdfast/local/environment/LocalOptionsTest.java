package dev.holdfast.local.environment;

import dev.holdfast.local.LocalOptions;

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
    void theCommandLineKeepsAwsTimingAndTestsScaleItByOneFactor() {
        assertEquals(LocalOptions.AWS_TIME, LocalOptions.parse(new String[]{}).timeScale());
        LocalOptions fast = LocalOptions.parse(new String[]{"--time-scale", "0.1", "--bank-url", "http://127.0.0.1:1"});
        assertEquals(0.1, fast.timeScale());
        assertEquals("http://127.0.0.1:1", fast.bankUrl());
        assertEquals(5, fast.scaledSeconds(48), "rounded up to whole seconds");
        assertEquals(54, LocalOptions.parse(new String[]{}).scaledSeconds(54));
        assertEquals(2, LocalOptions.defaults().scaledSeconds(48));
        assertEquals(1, LocalOptions.defaults().scaledSeconds(1), "never below a second");
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--time-scale", "0"}));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--time-scale", "2"}));
    }

    @Test
    void refusesBadFlags() {
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--port"}));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--port", "x"}));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--port", "70000"}));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.parse(new String[]{"--nope", "1"}));
    }
}
