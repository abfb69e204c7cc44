package dev.holdfast.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The waiting page ({@code web/index.html} on the classpath) and its text tables: one
 * {@code <script type="application/json" id="t-LANG">} per language, key to text with {@code {name}}
 * placeholders.
 */
public final class PageTexts {
    private static final Pattern TABLE = Pattern.compile(
            "<script type=\"application/json\" id=\"t-([a-z]{2})\">(.*?)</script>", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)\\}");

    public final String html;
    public final Map<String, Map<String, String>> tables;

    private PageTexts(String html) {
        this.html = html;
        Map<String, Map<String, String>> t = new LinkedHashMap<>();
        Matcher m = TABLE.matcher(html);
        while (m.find()) {
            Map<String, String> texts = new LinkedHashMap<>();
            try {
                JsonNode n = Json.parse(m.group(2));
                n.fields().forEachRemaining(e -> texts.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : null));
            } catch (IOException e) {
                throw new UncheckedIOException("table " + m.group(1) + " is not JSON", e);
            }
            t.put(m.group(1), texts);
        }
        this.tables = t;
    }

    public static PageTexts load() {
        try (InputStream in = PageTexts.class.getClassLoader().getResourceAsStream("web/index.html")) {
            if (in == null) {
                throw new IllegalStateException("web/index.html is not on the classpath");
            }
            return new PageTexts(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, String> table(String lang) {
        Map<String, String> t = tables.get(lang);
        if (t == null) {
            throw new IllegalArgumentException("no table " + lang);
        }
        return t;
    }

    /** The placeholders a text names, in order of name. */
    public static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Whether {@code shown} is {@code lang}'s text for {@code key}, with anything in place of its placeholders. */
    public boolean matches(String lang, String key, String shown) {
        String text = table(lang).get(key);
        if (text == null) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(text.substring(at, m.start()))).append("(.*?)");
            at = m.end();
        }
        regex.append(Pattern.quote(text.substring(at)));
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(shown).matches();
    }

    /** {@code lang}'s text for {@code key} with {@code vars} filled in, as the page does. */
    public String text(String lang, String key, Map<String, String> vars) {
        String text = table(lang).get(key);
        if (text == null) {
            throw new IllegalArgumentException("no text " + key + " in " + lang);
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
