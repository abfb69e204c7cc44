package dev.holdfast.local.capacity;

import dev.holdfast.domain.capacity.AwsLimits;
import dev.holdfast.domain.capacity.RequestCosts;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capacity model's arithmetic, checked against figures worked out by hand. */
class CapacityModelTest {
    static final CapacityModel MODEL = new CapacityModel(AwsLimits.published(), RequestCosts.design());
    static final Scenario CITY = Scenario.cityDefaults();

    static Scenario with(double verifier, double pollSeconds, boolean sqsHighThroughput) {
        return new Scenario(CITY.members(), CITY.cohorts(), CITY.cohortGapSeconds(), CITY.arrivalSeconds(), verifier,
                CITY.signupShare(), Polling.every(pollSeconds), CITY.signupPollSeconds(), CITY.apiMillis(), CITY.workerMillis(),
                sqsHighThroughput);
    }

    @Test
    void designCostsAndPublishedLimits() {
        RequestCosts c = RequestCosts.design();
        assertEquals(2, c.enterWcu());
        assertEquals(3, c.enterRoundTrips()); // the device's ticket first, then the ADD and the put
        assertEquals(8, c.positionStripes());
        assertEquals(8, c.stripePartitions()); // each stripe has its own partition key
        assertEquals(1, c.pollRcu());
        assertEquals(12, c.signupTotalWcu());
        AwsLimits l = AwsLimits.published();
        assertEquals(10_000, l.apiGatewayRps());
        assertEquals(1_000, l.partitionWcu());
        assertEquals(4_000, l.tableWcu());
        assertEquals(300, l.fifoCallsPerAction());
        assertEquals(3_000, l.fifoCallsPerAction() * l.fifoBatchSize());
    }

    @Test
    void entersAreBoundByTheStripesPartitionThenTheTableThenApiGateway() {
        CapacityModel onePartition = new CapacityModel(AwsLimits.published(), RequestCosts.design().withStripePartitions(1));
        Bound shared = onePartition.enterBounds(CITY, 1).get(0);
        assertEquals("position stripes (hot partition)", shared.what());
        assertEquals(1_000, shared.perSecond(), 1e-9); // 1 partition × 1,000 WCU/s / 1 WCU per enter
        assertEquals(2_000, onePartition.enterBounds(CITY, 1).get(1).perSecond(), 1e-9); // table: 4,000 WCU / 2 WCU per enter
        assertEquals("DynamoDB table write throughput", MODEL.enterBounds(CITY, 1).get(0).what()); // as built

        CapacityModel spread = new CapacityModel(AwsLimits.published(), RequestCosts.design().withStripePartitions(8));
        Bound cold = spread.enterBounds(CITY, 1).get(0);
        assertEquals("DynamoDB table write throughput", cold.what());
        assertEquals(2_000, cold.perSecond(), 1e-9);

        CapacityModel warm = new CapacityModel(AwsLimits.published().withTable(40_000, 120_000),
                RequestCosts.design().withStripePartitions(8));
        Bound oneCohort = warm.enterBounds(CITY, 1).get(0);
        assertEquals("position stripes (hot partition)", oneCohort.what());
        assertEquals(8_000, oneCohort.perSecond(), 1e-9); // 8 partitions × 1,000 WCU/s / 1 WCU

        Bound twoCohorts = warm.enterBounds(CITY, 2).get(0);
        assertEquals("API Gateway account throttle", twoCohorts.what());
        assertEquals(10_000, twoCohorts.perSecond(), 1e-9);
    }

    @Test
    void signupsAreBoundByTheVerifierThenSqsThenTheTable() {
        assertEquals("identity verifier quota", MODEL.signupBounds(with(100, 5, false)).get(0).what());
        Bound sqs = MODEL.signupBounds(with(1_000, 5, false)).get(0);
        assertEquals("SQS FIFO SendMessage calls", sqs.what());
        assertEquals(300, sqs.perSecond(), 1e-9);
        Bound table = MODEL.signupBounds(with(1_000, 5, true)).get(0);
        assertEquals("DynamoDB table write throughput", table.what());
        assertEquals(4_000.0 / 12, table.perSecond(), 1e-9);
        CapacityModel warm = new CapacityModel(AwsLimits.published().withTable(40_000, 120_000), RequestCosts.design());
        Bound worker = warm.signupBounds(with(5_000, 5, true)).get(0);
        assertEquals("Lambda concurrency (worker)", worker.what());
        assertEquals(1_000, worker.perSecond(), 1e-9); // 1,000 executions / 1 s per signup
    }

    @Test
    void theCitysRolloutTakesTheVerifiersTimeAndWouldBreakApiGatewayFirstWithFixedFiveSecondPolls() {
        Surge r = MODEL.surge(with(100, 5, false));
        // 900,000 at 100/s = 9,000 s; each 90,000 cohort drains in exactly its 15 minutes
        assertEquals(9_000, r.finishSeconds());
        assertEquals(9 * 900, r.lastOpeningSeconds());
        assertEquals(300, r.peakEnters(), 1e-9); // 90,000 over 300 s
        assertEquals(60_000, r.peakWaiting()); // 300 s × (300 − 100)
        assertEquals(12_000, r.peakPolls(), 1e-9); // 60,000 / 5 s
        assertEquals(0, r.peakSignupBacklog()); // admission is paced at the verifier's quota
        assertEquals(300.0 / 8, r.peakStripeWcu(), 1e-9); // a cohort's enters spread over its 8 stripe partitions
        // waiting after second t is 200(t+1); API = 40(t+1) + 300 enters + 100 signups + 100/3 status polls
        Surge.Breach first = r.breaches().get(0);
        assertEquals("API Gateway account throttle", first.limit());
        assertEquals(239, first.firstAtSecond());
        assertEquals(12_000 + 300 + 100 + 100.0 / 3, first.peak(), 1e-6);
        // the shortest safe poll: 60,000 waiting / (10,000 − 433⅓ other requests)
        assertEquals(60_000 / (10_000 - 1300.0 / 3), r.safePollSeconds(), 1e-9);
    }

    @Test
    void theDesignsPollingRuleKeepsTheCitysRolloutWithinEveryLimit() {
        Surge r = MODEL.surge(CITY);
        assertEquals(List.of(), r.breaches());
        assertEquals(9_000, r.finishSeconds());
        assertEquals(60_000, r.peakWaiting());
        assertEquals(bruteForcePolls(60_000, 100, Polling.design()), r.peakPolls(), 1e-6);
        assertEquals("API Gateway account throttle", MODEL.loads(r, CITY).get(0).limit());
        long most = MODEL.largestRolloutWithinLimits(CITY);
        assertTrue(most >= 900_000 && most < 1_000_000, "the city's shape holds a little more than 900,000: " + most);
        assertTrue(MODEL.surge(CITY.withMembers(most)).breaches().isEmpty());
        assertTrue(!MODEL.surge(CITY.withMembers(most + 2 * CITY.cohorts())).breaches().isEmpty());
    }

    @Test
    void pollsPerSecondGroupedByIntervalEqualTheSumOverEveryone() {
        for (long waiting : new long[] {0, 1, 19, 20, 1_901, 30_000, 60_000, 123_457}) {
            for (double rate : new double[] {1, 7.5, 100, 2_000}) {
                assertEquals(bruteForcePolls(waiting, rate, Polling.design()), Polling.design().pollsPerSecond(waiting, rate),
                        1e-6, waiting + " waiting at " + rate + "/s");
            }
        }
        assertEquals(12_000, Polling.every(5).pollsPerSecond(60_000, 100), 1e-9);
        // the API's rule: a tenth of the ETA, 1..30 s
        assertEquals(1, Polling.design().intervalSeconds(0, 100));
        assertEquals(1, Polling.design().intervalSeconds(1_900, 100)); // ETA 19 s
        assertEquals(2, Polling.design().intervalSeconds(1_901, 100)); // ETA 20 s
        assertEquals(30, Polling.design().intervalSeconds(1_000_000, 100));
    }

    static double bruteForcePolls(long waiting, double rate, Polling p) {
        double sum = 0;
        for (long ahead = 0; ahead < waiting; ahead++) {
            sum += 1 / p.intervalSeconds(ahead, rate);
        }
        return sum;
    }

    @Test
    void sevenSecondPollsKeepEveryLimit() {
        Surge r = MODEL.surge(with(100, 7, false));
        assertEquals(List.of(), r.breaches());
        assertEquals(9_000, r.finishSeconds());
    }

    @Test
    void aFastVerifierIsCappedBySqsAndTheRolloutEndsWithTheLastCohortsArrival() {
        Surge r = MODEL.surge(with(1_000, 7, false));
        assertEquals("SQS FIFO SendMessage calls", r.admissionPace().what());
        assertEquals(8_100 + 300, r.finishSeconds()); // admission (300/s) keeps up with arrivals (300/s)
        assertEquals(0, r.peakWaiting());
    }

    @Test
    void everyoneAtOnceBreaksTheColdTableInTheFirstSecond() {
        Scenario once = new Scenario(900_000, 1, 0, 300, 100, 1.0, Polling.design(), 3, 20, 1_000, false);
        Surge r = MODEL.surge(once);
        assertEquals(3_000, r.peakEnters(), 1e-9);
        Surge.Breach first = r.breaches().get(0);
        assertEquals("DynamoDB table write throughput", first.limit());
        assertEquals(0, first.firstAtSecond());
        assertTrue(r.breaches().stream().noneMatch(b -> b.limit().equals("position stripe partition"))); // 375 WCU/s per stripe
        assertEquals(9_000, r.finishSeconds());
    }

    @Test
    void spreadingKeepsEveryPerson() {
        long sum = 0;
        for (long i = 0; i < 7; i++) {
            sum += CapacityModel.spread(100, 7, i);
        }
        assertEquals(100, sum);
        assertEquals(25, CapacityModel.spread(12.5, 0) + CapacityModel.spread(12.5, 1));
        assertEquals(90_000, Scenario.cityDefaults().cohortSize(0)); // 900,000 / 10
        Scenario uneven = new Scenario(11, 3, 60, 10, 1, 1, Polling.design(), 3, 20, 1_000, false);
        assertEquals(List.of(4L, 4L, 3L), List.of(uneven.cohortSize(0), uneven.cohortSize(1), uneven.cohortSize(2)));
    }

    @Test
    void commandParsesItsOptionsAndPrintsTheReport() {
        CapacityCommand.Parsed p = CapacityCommand.parse(new String[] {"--members", "1000", "--cohorts", "2",
                "--cohort-gap-minutes", "1.5", "--verifications-per-second", "10", "--table-wcu", "8000",
                "--stripe-partitions", "8", "--poll-seconds", "5", "--sqs-high-throughput"});
        assertEquals(1_000, p.scenario().members());
        assertEquals(90, p.scenario().cohortGapSeconds());
        assertEquals(8_000, p.limits().tableWcu());
        assertEquals(8, p.costs().stripePartitions());
        assertEquals(5, p.scenario().polling().fixedSeconds());
        assertTrue(CapacityCommand.parse(new String[0]).scenario().polling().equals(Polling.design()));
        assertTrue(p.scenario().sqsHighThroughput());
        assertNull(CapacityCommand.parse(new String[] {"--help"}));
        assertThrows(IllegalArgumentException.class, () -> CapacityCommand.parse(new String[] {"--nope", "1"}));
        assertThrows(IllegalArgumentException.class, () -> CapacityCommand.parse(new String[] {"--members"}));
        assertThrows(IllegalArgumentException.class, () -> CapacityCommand.parse(new String[] {"--cohorts", "0"}));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CapacityCommand.report(MODEL, with(100, 5, false), new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Breaks first: API Gateway account throttle, 3 min 59 s after the first opening"), text);
        assertTrue(text.contains("Time until everyone has signed up: 2 h 30 min"), text);
    }
}
