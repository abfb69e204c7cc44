package dev.holdfast.domain.pricing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of {@link Pricing#price}: the invariants listed in its class Javadoc, plus concrete
 * examples. All arithmetic here is exact {@link BigDecimal}.
 */
class PricingTest {
    private static final BigDecimal TICK = new BigDecimal("0.0001");
    /** Rounding error allowed for {@link Pricing#overround} itself (20 significant digits per term). */
    private static final BigDecimal EPSILON = new BigDecimal("1E-17");

    /** A generated pricing input. */
    record Case(Map<String, BigDecimal> probabilities, MarginPolicy margin, ExposureSignal exposure) {
        Map<String, Odds> price() {
            return Pricing.price(probabilities, margin, exposure);
        }

        Map<String, Odds> neutral() {
            return Pricing.price(probabilities, margin, ExposureSignal.NONE);
        }

        BigDecimal m() {
            return margin.overround();
        }

        BigDecimal b() {
            return margin.maxExposureShortening();
        }
    }

    // ---------------------------------------------------------------- examples

    @Example
    void evenMarketWithFivePercentMargin() {
        Map<String, Odds> odds = Pricing.price(probs("home", "0.5", "away", "0.5"), policy("0.05", "0.10"),
                ExposureSignal.NONE);
        assertEquals(Map.of("home", Odds.parse("1.9047"), "away", Odds.parse("1.9047")), odds);
        assertEquals("1.9047", odds.get("home").text());
        // 2 / 1.9047 - 1 = 0.0500341261090985457027...: above the policy by less than one tick
        assertEquals(new BigDecimal("0.05003412610909854570"), Pricing.overround(odds));
    }

    @Example
    void fairEvenMarketIsExactlyTwo() {
        Map<String, Odds> odds = Pricing.price(probs("a", "0.5", "b", "0.5"), policy("0", "0"), ExposureSignal.NONE);
        assertEquals("2", odds.get("a").text());
        assertEquals(0, Pricing.overround(odds).signum());
    }

    @Example
    void threeWayMarket() {
        Map<String, Odds> odds = Pricing.price(probs("home", "0.5", "draw", "0.3", "away", "0.2"),
                MarginPolicy.DEFAULT, ExposureSignal.NONE);
        // 1/0.525 = 1.90476..., 1/0.315 = 3.17460..., 1/0.21 = 4.76190...
        assertEquals(List.of("1.9047", "3.1746", "4.7619"), odds.values().stream().map(Odds::text).toList());
        assertEquals(List.of("home", "draw", "away"), List.copyOf(odds.keySet()));
    }

    @Example
    void probabilitiesAreNormalized() {
        assertEquals(Pricing.price(probs("a", "0.5", "b", "0.5"), MarginPolicy.DEFAULT, ExposureSignal.NONE),
                Pricing.price(probs("a", "0.6", "b", "0.6"), MarginPolicy.DEFAULT, ExposureSignal.NONE));
        // 0.3 / 0.3 / 0.3 sum to 0.9: each is a third, 1 / (1/3 * 1.05) = 2.857142...
        Map<String, Odds> odds = Pricing.price(probs("a", "0.3", "b", "0.3", "c", "0.3"), MarginPolicy.DEFAULT,
                ExposureSignal.NONE);
        assertEquals("2.8571", odds.get("c").text());
    }

    @Example
    void exposureShortensOnlyTheExposedSelection() {
        Map<String, BigDecimal> p = probs("home", "0.5", "away", "0.5");
        // full signal: 1.904761... * (1 - 0.10) = 1.714285...
        Map<String, Odds> full = Pricing.price(p, MarginPolicy.DEFAULT, signal("home", "1"));
        assertEquals("1.7142", full.get("home").text());
        assertEquals("1.9047", full.get("away").text());
        // half signal: * 0.95 = 1.809523...
        Map<String, Odds> half = Pricing.price(p, MarginPolicy.DEFAULT, signal("home", "0.5"));
        assertEquals("1.8095", half.get("home").text());
        assertEquals("1.9047", half.get("away").text());
        // unknown selection ids in the signal are ignored
        assertEquals(Pricing.price(p, MarginPolicy.DEFAULT, ExposureSignal.NONE),
                Pricing.price(p, MarginPolicy.DEFAULT, signal("elsewhere", "1")));
    }

    @Example
    void roundsDownExactlyAtTheBoundary() {
        // 1/3 each, no margin: odds exactly 3; an approximate 1/(1/3) would be 2.9999...
        Map<String, Odds> odds = Pricing.price(probs("a", "0.1", "b", "0.1", "c", "0.1"), policy("0", "0"),
                ExposureSignal.NONE);
        assertEquals("3", odds.get("a").text());
        // 1 / (0.7 * 1.05) = 1.360544217...
        assertEquals("1.3605", Pricing.price(probs("a", "0.7", "b", "0.3"), MarginPolicy.DEFAULT,
                ExposureSignal.NONE).get("a").text());
    }

    @Example
    void extremesAreClampedIntoTheContractRange() {
        assertEquals(Map.of("only", Odds.MIN), Pricing.price(probs("only", "1"), MarginPolicy.DEFAULT, ExposureSignal.NONE));
        assertEquals(Map.of("only", Odds.MIN), Pricing.price(probs("only", "1"), policy("0", "0"), ExposureSignal.NONE));
        Map<String, Odds> odds = Pricing.price(probs("fav", "1", "outsider", "0.000000001"), MarginPolicy.DEFAULT,
                signal("fav", "1"));
        assertEquals(Odds.MIN, odds.get("fav"));
        assertEquals(Odds.MAX, odds.get("outsider"));
    }

    @Example
    void rejectsInvalidProbabilities() {
        MarginPolicy m = MarginPolicy.DEFAULT;
        ExposureSignal none = ExposureSignal.NONE;
        assertThrows(IllegalArgumentException.class, () -> Pricing.price(Map.of(), m, none));
        assertThrows(IllegalArgumentException.class, () -> Pricing.price(null, m, none));
        assertThrows(IllegalArgumentException.class, () -> Pricing.price(probs("a", "0", "b", "0.5"), m, none));
        assertThrows(IllegalArgumentException.class, () -> Pricing.price(probs("a", "-0.1", "b", "0.5"), m, none));
        assertThrows(IllegalArgumentException.class, () -> Pricing.price(probs("a", "1.0000001", "b", "0.5"), m, none));
        Map<String, BigDecimal> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        assertThrows(IllegalArgumentException.class, () -> Pricing.price(withNull, m, none));
        assertThrows(IllegalArgumentException.class, () -> Pricing.price(probs("a", "0.5"), null, none));
        assertThrows(IllegalArgumentException.class, () -> Pricing.price(probs("a", "0.5"), m, null));
        assertThrows(IllegalArgumentException.class, () -> Pricing.overround(Map.of()));
    }

    @Example
    void marginPolicyIsValidated() {
        assertEquals(new BigDecimal("0.05"), MarginPolicy.DEFAULT.overround());
        assertEquals(new BigDecimal("0.10"), MarginPolicy.DEFAULT.maxExposureShortening());
        policy("0", "0");
        policy("0.5", "0.5");
        for (String[] bad : new String[][]{{"-0.01", "0.1"}, {"0.5001", "0.1"}, {"0.9", "0.1"}, {"0.05", "-0.1"},
                {"0.05", "0.51"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policy(bad[0], bad[1]));
            assertTrue(e.getMessage().contains("between 0 and 0.5"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new MarginPolicy(null, BigDecimal.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new MarginPolicy(BigDecimal.ZERO, null));
    }

    @Example
    void exposureSignalIsClampedAndDefaultsToZero() {
        Map<String, BigDecimal> raw = new LinkedHashMap<>();
        raw.put("a", new BigDecimal("-0.5"));
        raw.put("b", new BigDecimal("1.7"));
        raw.put("c", new BigDecimal("0.25"));
        ExposureSignal s = new ExposureSignal(raw);
        assertEquals(BigDecimal.ZERO, s.level("a"));
        assertEquals(BigDecimal.ONE, s.level("b"));
        assertEquals(new BigDecimal("0.25"), s.level("c"));
        assertEquals(BigDecimal.ZERO, s.level("absent"));
        assertEquals(List.of("a", "b", "c"), List.copyOf(s.values().keySet()));
        raw.put("c", BigDecimal.ONE);
        assertEquals(new BigDecimal("0.25"), s.level("c"), "the signal is a copy");
        assertThrows(UnsupportedOperationException.class, () -> s.values().put("d", BigDecimal.ONE));
        assertEquals(BigDecimal.ONE, s.with("c", new BigDecimal("3")).level("c"));
        assertEquals(new BigDecimal("0.25"), s.level("c"));
        assertTrue(ExposureSignal.NONE.values().isEmpty());
    }

    // ---------------------------------------------------------------- properties

    /**
     * With no exposure and no clamped price, rounding down can only lengthen each {@code 1/odds_i}
     * past {@code q_i}: with {@code x_i = 1/q_i} and {@code odds_i = x_i - d_i}, {@code 0 <= d_i < 0.0001},
     * {@code 1/odds_i - q_i = d_i * q_i / odds_i < 0.0001 * q_i} (as {@code odds_i > 1}). Summing,
     * {@code 0 <= overround - m < 0.0001 * (1 + m)}, independently of the number of selections.
     * {@link #EPSILON} only absorbs the 20-digit rounding inside {@link Pricing#overround}.
     */
    @Property(tries = 1000)
    void overroundEqualsTheMarginPolicy(@ForAll("unclampedCases") Case c) {
        Map<String, Odds> odds = c.neutral();
        BigDecimal excess = Pricing.overround(odds).subtract(c.m());
        BigDecimal bound = TICK.multiply(BigDecimal.ONE.add(c.m()));
        assertTrue(excess.compareTo(EPSILON.negate()) >= 0, () -> "overround below the margin by " + excess);
        assertTrue(excess.compareTo(bound) < 0, () -> "overround above the margin by " + excess + " >= " + bound);
        Statistics.label("selections").collect(odds.size() <= 10 ? "2-10" : odds.size() <= 20 ? "11-20" : "21-30");
    }

    @Property(tries = 1000)
    void everyPriceIsWithinTheContractRange(@ForAll("extremeCases") Case c) {
        for (Odds o : c.price().values()) {
            assertTrue(o.compareTo(Odds.MIN) >= 0 && o.compareTo(Odds.MAX) <= 0, o::text);
            assertEquals(4, o.value().scale());
        }
    }

    /** The result is exactly the definition: the floor to 4 decimals of the exact quotient, clamped. */
    @Property(tries = 1000)
    void matchesTheDefinitionExactly(@ForAll("extremeCases") Case c) {
        BigDecimal sum = c.probabilities().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        c.price().forEach((id, odds) -> {
            // x = num / den exactly; compare by cross-multiplication (den > 0), no division at all
            BigDecimal num = sum.multiply(BigDecimal.ONE.subtract(c.b().multiply(c.exposure().level(id))));
            BigDecimal den = c.probabilities().get(id).multiply(BigDecimal.ONE.add(c.m()));
            BigDecimal o = odds.value();
            if (o.compareTo(Odds.MIN.value()) == 0) {
                assertTrue(num.compareTo(Odds.MIN.value().add(TICK).multiply(den)) < 0, id);  // floor4(x) <= MIN
            } else if (o.compareTo(Odds.MAX.value()) == 0) {
                assertTrue(num.compareTo(Odds.MAX.value().multiply(den)) >= 0, id);           // floor4(x) >= MAX
            } else {
                assertTrue(o.multiply(den).compareTo(num) <= 0, id);                          // o <= x
                assertTrue(o.add(TICK).multiply(den).compareTo(num) > 0, id);                 // x < o + tick
            }
        });
    }

    /** A likelier selection (with at least as much exposure) never gets longer odds. */
    @Property(tries = 1000)
    void higherProbabilityNeverGetsHigherOdds(@ForAll("cases") Case c) {
        List<String> ids = List.copyOf(c.probabilities().keySet());
        for (ExposureSignal signal : List.of(c.exposure(), ExposureSignal.NONE)) {
            Map<String, Odds> odds = Pricing.price(c.probabilities(), c.margin(), signal);
            for (String i : ids) {
                for (String j : ids) {
                    BigDecimal pi = c.probabilities().get(i);
                    BigDecimal pj = c.probabilities().get(j);
                    int exposureOrder = signal.level(i).compareTo(signal.level(j));
                    if (pi.compareTo(pj) > 0 && exposureOrder >= 0) {
                        assertTrue(odds.get(i).compareTo(odds.get(j)) <= 0,
                                () -> i + "@" + pi + " -> " + odds.get(i) + " vs " + j + "@" + pj + " -> " + odds.get(j));
                    }
                    if (pi.compareTo(pj) == 0 && exposureOrder == 0) {
                        assertEquals(odds.get(i), odds.get(j));
                    }
                }
            }
        }
    }

    /**
     * Exposure only shortens, by at most the policy's bound: {@code neutral = floor4(x) <= x} so
     * {@code neutral * (1 - b) <= x * (1 - b*s)}, and floor4 and the clamp are monotone; hence
     * {@code max(MIN, floor4(neutral * (1 - b))) <= exposed <= neutral}. No slack is needed.
     */
    @Property(tries = 1000)
    void exposureOnlyShortensAndWithinTheBound(@ForAll("cases") Case c) {
        Map<String, Odds> exposed = c.price();
        Map<String, Odds> neutral = c.neutral();
        BigDecimal keep = BigDecimal.ONE.subtract(c.b());
        exposed.forEach((id, o) -> {
            Odds n = neutral.get(id);
            assertTrue(o.compareTo(n) <= 0, () -> id + ": " + o + " longer than neutral " + n);
            BigDecimal floor = n.value().multiply(keep).setScale(4, RoundingMode.DOWN).max(Odds.MIN.value());
            assertTrue(o.value().compareTo(floor) >= 0, () -> id + ": " + o + " shorter than " + floor);
            if (c.exposure().level(id).signum() == 0) {
                assertEquals(n, o, id);
            }
        });
        Statistics.label("exposed selections shortened").collect(
                exposed.entrySet().stream().anyMatch(e -> e.getValue().compareTo(neutral.get(e.getKey())) < 0));
    }

    @Property(tries = 1000)
    void pureDeterministicAndDoesNotMutateItsInput(@ForAll("cases") Case c) {
        Map<String, BigDecimal> before = new LinkedHashMap<>(c.probabilities());
        Map<String, BigDecimal> exposureBefore = new LinkedHashMap<>(c.exposure().values());
        Map<String, Odds> first = Pricing.price(Collections.unmodifiableMap(c.probabilities()), c.margin(), c.exposure());
        Map<String, Odds> second = Pricing.price(new LinkedHashMap<>(c.probabilities()), c.margin(),
                new ExposureSignal(new LinkedHashMap<>(c.exposure().values())));
        assertEquals(first, second);
        assertEquals(List.copyOf(first.entrySet()), List.copyOf(second.entrySet()));
        assertEquals(List.copyOf(before.entrySet()), List.copyOf(c.probabilities().entrySet()));
        assertEquals(exposureBefore, c.exposure().values());
        assertThrows(UnsupportedOperationException.class, () -> first.put("x", Odds.MIN));
    }

    /** Only the ratios of the probabilities matter: scaling them all, or changing their scale, changes nothing. */
    @Property(tries = 1000)
    void onlyTheRatiosOfTheProbabilitiesMatter(@ForAll("cases") Case c, @ForAll("factors") BigDecimal factor,
                                               @ForAll @IntRange(min = 0, max = 5) int extraScale) {
        Map<String, BigDecimal> scaled = new LinkedHashMap<>();
        c.probabilities().forEach((id, p) -> scaled.put(id, p.multiply(factor).setScale(p.scale() + factor.scale() + extraScale)));
        assertEquals(c.price(), Pricing.price(scaled, c.margin(), c.exposure()));
    }

    @Property(tries = 1000)
    void preservesTheInputOrder(@ForAll("cases") Case c) {
        assertEquals(List.copyOf(c.probabilities().keySet()), List.copyOf(c.price().keySet()));
    }

    @Property(tries = 500)
    void rejectsAnyProbabilityOutsideZeroToOne(@ForAll("cases") Case c, @ForAll("invalidProbabilities") BigDecimal bad,
                                               @ForAll @IntRange(min = 0, max = 29) int at) {
        Map<String, BigDecimal> probabilities = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>(c.probabilities().keySet());
        String victim = ids.get(at % ids.size());
        c.probabilities().forEach((id, p) -> probabilities.put(id, id.equals(victim) ? bad : p));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pricing.price(probabilities, c.margin(), c.exposure()));
        assertTrue(e.getMessage().contains(victim), e.getMessage());
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<Case> cases() {
        return cases(probability().list().ofMinSize(1).ofMaxSize(30)
                        .filter(ps -> ps.stream().reduce(BigDecimal.ZERO, BigDecimal::add).compareTo(new BigDecimal("0.01")) >= 0),
                decimal("0", "0.3", 4));
    }

    /** {@link #cases()} where no neutral price was (or might have been) clamped: at least 2 selections. */
    @Provide
    Arbitrary<Case> unclampedCases() {
        return cases().filter(c -> c.neutral().values().stream().noneMatch(o -> o.equals(Odds.MIN) || o.equals(Odds.MAX)));
    }

    /** Any valid input: probabilities down to 1e-30, all-tiny markets, margins up to 0.5. */
    @Provide
    Arbitrary<Case> extremeCases() {
        Arbitrary<BigDecimal> extreme = Arbitraries.of("1", "0.999999", "0.5", "0.0001", "0.000001", "1E-9", "1E-12", "1E-30")
                .map(BigDecimal::new);
        Arbitrary<BigDecimal> p = Arbitraries.frequencyOf(
                Tuple.of(3, probability()), Tuple.of(1, extreme));
        return cases(p.list().ofMinSize(1).ofMaxSize(30), decimal("0", "0.5", 4));
    }

    @Provide
    Arbitrary<BigDecimal> factors() {
        return decimal("0.001", "1", 3);
    }

    @Provide
    Arbitrary<BigDecimal> invalidProbabilities() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "0.000", "-0.0001", "-1", "1.0000001", "1.0001", "2", "1E+3").map(BigDecimal::new),
                decimal("-5", "0", 6), decimal("1.000001", "100", 6));
    }

    private Arbitrary<Case> cases(Arbitrary<List<BigDecimal>> probabilityLists, Arbitrary<BigDecimal> overround) {
        Arbitrary<String> id = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
        // absent (30%), or in [0, 1] with the edges 0, 0.5 and 1 made likely
        Arbitrary<Optional<BigDecimal>> signal = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(Optional.empty())),
                Tuple.of(5, decimal("0", "1", 4).map(Optional::of)),
                Tuple.of(2, Arbitraries.of("0", "1", "0.5").map(v -> Optional.of(new BigDecimal(v)))));
        return probabilityLists.flatMap(ps -> Combinators.combine(
                id.list().ofSize(ps.size()).uniqueElements(),
                signal.list().ofSize(ps.size()),
                overround,
                decimal("0", "0.5", 4)
        ).as((ids, signals, m, b) -> {
            Map<String, BigDecimal> probabilities = new LinkedHashMap<>();
            Map<String, BigDecimal> exposure = new LinkedHashMap<>();
            for (int i = 0; i < ps.size(); i++) {
                String selection = ids.get(i);
                probabilities.put(selection, ps.get(i));
                signals.get(i).ifPresent(v -> exposure.put(selection, v));
            }
            return new Case(probabilities, new MarginPolicy(m, b), new ExposureSignal(exposure));
        }));
    }

    /** Between 0.0001 and 1 with up to 6 decimals. */
    private static Arbitrary<BigDecimal> probability() {
        return Combinators.combine(decimal("0.0001", "1", 6), Arbitraries.of(true, false))
                .as((p, strip) -> strip ? p.stripTrailingZeros() : p);
    }

    private static Arbitrary<BigDecimal> decimal(String min, String max, int scale) {
        return Arbitraries.bigDecimals().between(new BigDecimal(min), new BigDecimal(max)).ofScale(scale)
                .withDistribution(RandomDistribution.uniform());
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, BigDecimal> probs(String... idAndValue) {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        for (int i = 0; i < idAndValue.length; i += 2) {
            m.put(idAndValue[i], new BigDecimal(idAndValue[i + 1]));
        }
        return m;
    }

    private static ExposureSignal signal(String id, String value) {
        return new ExposureSignal(Map.of(id, new BigDecimal(value)));
    }

    private static MarginPolicy policy(String overround, String bound) {
        return new MarginPolicy(new BigDecimal(overround), new BigDecimal(bound));
    }
}
