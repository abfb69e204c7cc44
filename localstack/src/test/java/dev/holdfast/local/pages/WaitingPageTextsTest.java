package dev.holdfast.local.pages;

import dev.holdfast.local.testing.PageTexts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The waiting page's texts: one table per language in the page, Korean and English, with the same keys
 * and placeholders; every key the page uses is in them; the Korean table is Korean throughout, in one
 * polite register (해요체), and the English one has no Korean left in it.
 */
class WaitingPageTextsTest {
    static final PageTexts PAGE = PageTexts.load();
    static final Pattern LATIN = Pattern.compile("[A-Za-z]");
    static final Pattern HANGUL = Pattern.compile("[\\uAC00-\\uD7A3\\u3131-\\u318E]");
    /** The only texts that name another language on purpose: the switch shows the other language's own name, the title the brand. */
    static final Set<String> NAMES_OTHER_LANGUAGE = Set.of("switch", "title");

    @Test
    void bothTablesHaveTheSameKeysAndPlaceholders() {
        assertEquals(Set.of("ko", "en"), PAGE.tables.keySet(), "one table per language");
        Map<String, String> ko = PAGE.table("ko");
        Map<String, String> en = PAGE.table("en");
        Set<String> onlyKo = new TreeSet<>(ko.keySet());
        onlyKo.removeAll(en.keySet());
        Set<String> onlyEn = new TreeSet<>(en.keySet());
        onlyEn.removeAll(ko.keySet());
        assertEquals(Set.of(), onlyKo, "keys only in the Korean table");
        assertEquals(Set.of(), onlyEn, "keys only in the English table");
        List<String> problems = new ArrayList<>();
        for (String key : ko.keySet()) {
            String k = ko.get(key);
            String e = en.get(key);
            if (k == null || k.isBlank() || e == null || e.isBlank()) {
                problems.add(key + ": empty or not a string");
            } else if (!PageTexts.placeholders(k).equals(PageTexts.placeholders(e))
                    && !(key.equals("time") && PageTexts.placeholders(k).equals(Set.of("ap", "h", "m"))
                         && PageTexts.placeholders(e).equals(Set.of("ap", "h", "mm")))) { // 2시 5분, 2:05 pm
                problems.add(key + ": placeholders " + PageTexts.placeholders(k) + " vs " + PageTexts.placeholders(e));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyKeyThePageUsesIsInTheTables() {
        String html = PAGE.html;
        String script = html.substring(html.lastIndexOf("<script>"));
        Set<String> used = new TreeSet<>();
        collect(Pattern.compile("data-ta?=\"([^\"]+)\""), html, used, "%s");
        // literal keys in the script ('w.keep', 'retry.net', ...), not the storage keys
        Matcher literal = Pattern.compile("'([a-z][A-Za-z0-9]*(?:\\.[A-Za-z0-9-]+)+)'").matcher(script);
        while (literal.find()) {
            if (!literal.group(1).startsWith("holdfast.")) {
                used.add(literal.group(1));
            }
        }
        for (String s : new String[] {"l", "w", "n", "f", "p", "v", "rj"}) {
            assertTrue(used.stream().anyMatch(k -> k.startsWith(s + ".")), "keys of section " + s + " are found");
        }
        // keys the script puts together
        collect(Pattern.compile("message\\('[^']+', '(\\w+)'"), script, used, "m.%s.h");
        collect(Pattern.compile("failed\\('(\\w+)'"), script, used, "m.error.%s");
        collect(Pattern.compile("retry\\(\\w+, r, '(\\w+)'"), script, used, "again.%s");
        for (String field : new String[] {"name", "birthDate", "phone", "region"}) {
            assertTrue(script.contains("'" + field + "'"), field);
            used.add("e.check." + field);
        }
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(PAGE.table("en").keySet());
        assertEquals(Set.of(), missing, "keys the page uses that the tables lack");
        assertTrue(used.size() > 60, "keys found: " + used);
    }

    @Test
    void theKoreanTableIsKoreanInOnePoliteRegisterAndTheEnglishOneEnglish() {
        List<String> problems = new ArrayList<>();
        Pattern sentence = Pattern.compile("[^.]*\\."); // sentences; a heading's "…" is not one
        PAGE.table("ko").forEach((key, text) -> {
            String bare = text.replaceAll("\\{\\w+\\}", "");
            if (!NAMES_OTHER_LANGUAGE.contains(key) && LATIN.matcher(bare).find()) {
                problems.add("ko " + key + " has Latin letters: " + text);
            }
            if (text.contains("니다")) { // 합니다체 mixed into 해요체
                problems.add("ko " + key + " leaves 해요체: " + text);
            }
            Matcher s = sentence.matcher(text);
            while (s.find()) { // every sentence that ends on a Korean word ends in 요
                String end = s.group().strip().replaceAll("\\([^)]*\\)(?=\\.$)", "").replaceAll("\\.$", "");
                if (!end.isEmpty() && HANGUL.matcher(end.substring(end.length() - 1)).matches() && !end.endsWith("요")) {
                    problems.add("ko " + key + " has a sentence not in 해요체: " + s.group().strip());
                }
            }
        });
        PAGE.table("en").forEach((key, text) -> {
            if (!NAMES_OTHER_LANGUAGE.contains(key) && HANGUL.matcher(text).find()) {
                problems.add("en " + key + " has Korean letters: " + text);
            }
        });
        assertEquals(List.of(), problems);
        assertEquals("English", PAGE.table("ko").get("switch"), "the Korean page offers English in English");
        assertEquals("한국어", PAGE.table("en").get("switch"), "the English page offers Korean in Korean");
    }

    @Test
    void theRegionChoicesAreBusansSixteenDistrictsAndCounty() {
        Map<String, String> ko = PAGE.table("ko");
        List<String> districts = ko.keySet().stream().filter(k -> k.startsWith("r.")).toList();
        assertEquals(16, districts.size(), "Busan has 15 구 and 1 군: " + districts);
        assertEquals(15, districts.stream().filter(k -> ko.get(k).endsWith("구")).count());
        assertEquals("기장군", ko.get("r.gijang-gun"));
        for (String k : districts) {
            assertTrue(k.matches("r\\.[a-z]+-(gu|gun)"), "a stable ASCII id: " + k);
            assertEquals(k.substring(2).replace("-gu", "").replace("-gun", ""),
                    PAGE.table("en").get(k).toLowerCase().replace("-gu", "").replace("-gun", ""), "English name of " + k);
        }
        assertTrue(PAGE.html.contains("o.value = 'busan:' + k.slice(2)"), "the value sent is busan:<district id>");
    }

    @Test
    void thePageStaysOneFileUnder40Kb() {
        int bytes = PAGE.html.getBytes(StandardCharsets.UTF_8).length;
        System.out.println("waiting page: " + bytes + " bytes");
        assertTrue(bytes < 40 * 1024, "under 40 KB: " + bytes);
    }

    private static void collect(Pattern p, String text, Set<String> into, String format) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            into.add(String.format(format, m.group(1)));
        }
    }
}
