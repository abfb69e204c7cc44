package dev.holdfast.local.conventions;

import dev.holdfast.local.drill.Drills;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code docs/invariants.md} cannot rot: every file and member it names as enforcing code exists,
 * every test class (and test method) it names exists in some module, every drill it names is a drill
 * and every drill check it quotes is a check that drill's code reports. Ids are unique.
 */
class InvariantsDocTest {
    static final Path ROOT = Path.of("..");
    static final Path DOC = ROOT.resolve("docs/invariants.md");
    static final List<String> MODULES = List.of("shared", "functions", "localstack", "infra");

    private static final Pattern ID = Pattern.compile("^### <a id=\"([a-z0-9-]+)\"></a>`([a-z0-9-]+)`$");
    private static final Pattern CODE = Pattern.compile("`([A-Za-z0-9_/.-]+\\.java)(?:#(\\w+))?`");
    private static final Pattern TEST = Pattern.compile("`([A-Z]\\w*)(?:#(\\w+))?`");
    private static final Pattern DRILL = Pattern.compile("`([a-z][a-z-]*)`");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

    /**
     * The entries' bullets of one kind ({@code Code}, {@code Tests}, {@code Drills}), continuation lines
     * joined; the introduction's "how to read" bullets, before the first entry, are not entries.
     */
    static List<String> bullets(List<String> lines, String kind) {
        List<String> out = new ArrayList<>();
        String head = "- **" + kind + "**:";
        int first = 0;
        while (first < lines.size() && !lines.get(first).startsWith("### ")) {
            first++;
        }
        for (int i = first; i < lines.size(); i++) {
            if (lines.get(i).startsWith(head)) {
                StringBuilder b = new StringBuilder(lines.get(i).substring(head.length()));
                while (i + 1 < lines.size() && lines.get(i + 1).startsWith("  ")) {
                    b.append(' ').append(lines.get(++i).trim());
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    static List<String> doc() throws IOException {
        return Files.readAllLines(DOC);
    }

    @Test
    void idsAreUniqueAndEveryEnforcedInvariantNamesCodeAndChecks() throws IOException {
        List<String> lines = doc();
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        int entries = 0;
        for (String line : lines) {
            Matcher m = ID.matcher(line);
            if (line.startsWith("### ")) {
                entries++;
                if (!m.matches() || !m.group(1).equals(m.group(2))) {
                    problems.add("heading not of the form ### <a id=\"x\"></a>`x`: " + line);
                } else if (!ids.add(m.group(1))) {
                    problems.add("duplicate id " + m.group(1));
                }
            }
        }
        int enforced = entries - (int) sectionIds(lines, "## Not yet enforced").size();
        assertEquals(enforced, bullets(lines, "Code").size(), "every enforced invariant has one Code bullet");
        assertEquals(enforced, bullets(lines, "Tests").size(), "every enforced invariant has one Tests bullet");
        assertEquals(List.of(), problems);
    }

    private static List<String> sectionIds(List<String> lines, String section) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                in = line.equals(section);
            } else if (in && line.startsWith("### ")) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void everyCodePathAndMemberExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int named = 0;
        for (String bullet : bullets(doc(), "Code")) {
            Matcher m = CODE.matcher(bullet);
            while (m.find()) {
                named++;
                Path file = ROOT.resolve(m.group(1));
                if (!Files.isRegularFile(file)) {
                    missing.add(m.group(1));
                } else if (m.group(2) != null && !declares(Files.readString(file), m.group(2))) {
                    missing.add(m.group(1) + "#" + m.group(2));
                }
            }
        }
        assertFalse(named < 50, "the Code bullets name files: " + named);
        assertEquals(List.of(), missing, "docs/invariants.md names code that does not exist");
    }

    /** A method, constant or nested type of that name is declared in the source. */
    static boolean declares(String source, String member) {
        String m = Pattern.quote(member);
        return Pattern.compile("\\b" + m + "\\s*\\(").matcher(source).find()
                || Pattern.compile("\\b" + m + "\\s*=").matcher(source).find()
                || Pattern.compile("\\b(class|record|interface|enum)\\s+" + m + "\\b").matcher(source).find();
    }

    @Test
    void everyTestClassAndMethodExists() throws IOException {
        Map<String, List<Path>> tests = testSources();
        List<String> missing = new ArrayList<>();
        for (String bullet : bullets(doc(), "Tests")) {
            Matcher m = TEST.matcher(bullet);
            while (m.find()) {
                List<Path> files = tests.get(m.group(1));
                if (files == null) {
                    missing.add(m.group(1));
                } else if (m.group(2) != null && files.stream().noneMatch(f -> contains(f, m.group(2) + "("))) {
                    missing.add(m.group(1) + "#" + m.group(2));
                }
            }
        }
        assertEquals(List.of(), missing, "docs/invariants.md names tests that do not exist");
    }

    private static Map<String, List<Path>> testSources() throws IOException {
        Map<String, List<Path>> out = new TreeMap<>();
        for (String module : MODULES) {
            Path dir = ROOT.resolve(module).resolve("src/test/java");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(p -> out
                        .computeIfAbsent(p.getFileName().toString().replace(".java", ""), k -> new ArrayList<>()).add(p));
            }
        }
        return out;
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyDrillAndQuotedCheckExists() throws IOException {
        Set<String> drills = Set.copyOf(Drills.names());
        String drillSources;
        try (Stream<Path> files = Files.walk(ROOT.resolve("localstack/src/main/java/dev/holdfast/local/drill"))) {
            drillSources = files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
        List<String> missing = new ArrayList<>();
        for (String bullet : bullets(doc(), "Drills")) {
            Matcher d = DRILL.matcher(bullet);
            while (d.find()) {
                if (!drills.contains(d.group(1))) {
                    missing.add("drill " + d.group(1));
                }
            }
            Matcher q = QUOTED.matcher(bullet);
            while (q.find()) {
                if (!drillSources.contains("\"" + q.group(1) + "\"")) {
                    missing.add("check \"" + q.group(1) + "\"");
                }
            }
        }
        assertEquals(List.of(), missing, "docs/invariants.md names drills or checks that do not exist");
    }
}
