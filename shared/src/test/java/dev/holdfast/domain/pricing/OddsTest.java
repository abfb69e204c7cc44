package dev.holdfast.domain.pricing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OddsTest {

    @Example
    void parsesTheContractsDecimalStrings() {
        for (String s : List.of("1.0001", "2.35", "1000", "999.9999", "1.5", "2.3500", "1000.0000", "17")) {
            Odds o = Odds.parse(s);
            assertEquals(0, o.value().compareTo(new BigDecimal(s)), s);
            assertEquals(4, o.value().scale(), s);
        }
    }

    @Example
    void rejectsAnythingElseWithAMessage() {
        for (String s : List.of("1", "1.00001", "1000.0001", "1001", "0", "0.5", "-2", "+2", "2e3", "2E3", " 2.35",
                "2.35 ", "", "abc", "2.35000", "2.", ".5", "02.35", "1,5", "2..3", "NaN", "Infinity", "１.5",
                "99999999999999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Odds.parse(s), s);
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), s);
        }
        assertThrows(IllegalArgumentException.class, () -> Odds.parse(null));
    }

    @Example
    void textIsPlainWithTrailingZerosStripped() {
        assertEquals("2.35", Odds.parse("2.3500").text());
        assertEquals("3", Odds.parse("3.0000").text());
        assertEquals("1000", Odds.parse("1000").text());
        assertEquals("1000", Odds.MAX.text());
        assertEquals("1.0001", Odds.MIN.text());
        assertEquals("100", new Odds(new BigDecimal("1E+2")).text());
        assertEquals("2.35", Odds.parse("2.35").toString());
    }

    @Example
    void equalityIsNumeric() {
        assertEquals(Odds.parse("2.35"), Odds.parse("2.3500"));
        assertEquals(Odds.parse("2.35").hashCode(), Odds.parse("2.3500").hashCode());
        assertEquals(new Odds(new BigDecimal("2.35")), new Odds(new BigDecimal("2.350000000")));
        assertEquals(new Odds(new BigDecimal("2.35")), Odds.parse("2.35"));
        assertNotEquals(Odds.parse("2.35"), Odds.parse("2.3501"));
        assertTrue(Odds.parse("2.35").compareTo(Odds.parse("2.3501")) < 0);
    }

    @Example
    void constructorEnforcesScaleAndRange() {
        assertThrows(IllegalArgumentException.class, () -> new Odds(new BigDecimal("2.35001")));
        assertThrows(IllegalArgumentException.class, () -> new Odds(new BigDecimal("1")));
        assertThrows(IllegalArgumentException.class, () -> new Odds(new BigDecimal("1000.0001")));
        assertThrows(IllegalArgumentException.class, () -> new Odds(new BigDecimal("-2")));
        assertThrows(NullPointerException.class, () -> new Odds(null));
        assertEquals(new BigDecimal("1.0001"), Odds.MIN.value());
        assertEquals(new BigDecimal("1000.0000"), Odds.MAX.value());
    }

    @Property(tries = 1000)
    void textRoundTripsAndIsPlain(@ForAll("validValues") BigDecimal value) {
        Odds o = new Odds(value);
        String text = o.text();
        assertEquals(o, Odds.parse(text));
        assertEquals(0, o.value().compareTo(value));
        assertTrue(text.matches("[1-9][0-9]*(\\.[0-9]*[1-9])?"), text);
    }

    @Property(tries = 1000)
    void anyStringParsesToValidOddsOrIsRefusedWithIllegalArgument(@ForAll("candidates") String text) {
        try {
            Odds o = Odds.parse(text);
            assertTrue(o.compareTo(Odds.MIN) >= 0 && o.compareTo(Odds.MAX) <= 0);
            assertTrue(new BigDecimal(text).stripTrailingZeros().scale() <= 4);
            assertEquals(4, o.value().scale());
        } catch (IllegalArgumentException e) {
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Provide
    Arbitrary<BigDecimal> validValues() {
        return Arbitraries.bigDecimals().between(new BigDecimal("1.0001"), new BigDecimal("1000")).ofScale(4)
                .map(v -> v.scale() == 4 && v.unscaledValue().testBit(0) ? v : v.stripTrailingZeros());
    }

    @Provide
    Arbitrary<String> candidates() {
        Arbitrary<String> numeric = Arbitraries.strings().withChars("0123456789.-+eE ").ofMaxLength(12);
        Arbitrary<String> decimals = Arbitraries.bigDecimals().between(new BigDecimal("-5"), new BigDecimal("1500"))
                .ofScale(6).map(BigDecimal::toPlainString);
        return Arbitraries.oneOf(numeric, decimals, Arbitraries.strings());
    }
}
