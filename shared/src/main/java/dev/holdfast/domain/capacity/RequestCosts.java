package dev.holdfast.domain.capacity;

/**
 * What each request of the signup-surge design costs: the one place to update when the design changes.
 *
 * @param enterWcu               {@code POST /waiting-room/enter}: an {@code ADD} on one position stripe of the
 *                               cohort (1) + the conditional {@code PutItem} of the ticket (1)
 * @param enterRoundTrips        DynamoDB round trips per enter: a strongly consistent {@code GetItem} of the
 *                               device's ticket (a re-entering device gets its place back), the {@code ADD}, the put
 * @param positionStripes        position-stripe counter items per cohort; an enter lands on one of them
 * @param stripePartitions       partitions those stripes span: each stripe has its own partition key
 *                               ({@code COHORT#<rid>#<cid>#POS#S<i>}), so 8
 * @param stripeWcuPerEnter      write units an enter spends on its stripe
 * @param pollRcu                {@code GET /waiting-room/tickets/{id}}: two eventually consistent {@code GetItem}s
 *                               (ticket, cohort state) of at most 4 KB, half a read unit each
 * @param admitterReadsPerCohort read units the admitter spends per open cohort per second (it loops every second)
 * @param admitterWritesPerCohort write units the admitter spends per open cohort per second
 * @param signupWcu              {@code POST /signup}: {@code TransactWriteItems} of 2 items, 2 units each
 * @param signupSends            SQS {@code SendMessage} calls per signup (one message, not batched)
 * @param signupStatusRcu        {@code GET /signup/{id}}: one eventually consistent {@code GetItem}
 * @param workerWcu              the worker's {@code TransactWriteItems} of about 4 items per signup
 * @param workerVerifierCalls    identity-verifier calls per signup
 */
public record RequestCosts(double enterWcu, int enterRoundTrips, int positionStripes, int stripePartitions,
                           double stripeWcuPerEnter,
                           double pollRcu, double admitterReadsPerCohort, double admitterWritesPerCohort,
                           double signupWcu, double signupSends, double signupStatusRcu, double workerWcu,
                           double workerVerifierCalls) {

    /** The design as built. */
    public static RequestCosts design() {
        return new RequestCosts(2, 3, 8, 8, 1, 1, 10, 1, 4, 1, 0.5, 8, 1);
    }

    /** Write units per signup end to end (request + worker). */
    public double signupTotalWcu() {
        return signupWcu + workerWcu;
    }

    public RequestCosts withStripePartitions(int partitions) {
        if (partitions < 1 || partitions > positionStripes) {
            throw new IllegalArgumentException("stripe partitions must be 1.." + positionStripes);
        }
        return new RequestCosts(enterWcu, enterRoundTrips, positionStripes, partitions, stripeWcuPerEnter, pollRcu, admitterReadsPerCohort,
                admitterWritesPerCohort, signupWcu, signupSends, signupStatusRcu, workerWcu, workerVerifierCalls);
    }
}
