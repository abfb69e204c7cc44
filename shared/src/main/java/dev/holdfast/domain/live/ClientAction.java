package dev.holdfast.domain.live;

import java.util.List;
import java.util.Objects;

/** What a client may send on the live-price connection, routed by its {@code action}. */
public sealed interface ClientAction {
    /** Route keys of the protocol (API Gateway's route selection on {@code $request.body.action}). */
    List<String> ROUTES = List.of("subscribe", "unsubscribe", "resume", "ping");

    record Subscribe(List<String> marketIds) implements ClientAction {
        public Subscribe {
            marketIds = List.copyOf(marketIds);
        }
    }

    record Unsubscribe(List<String> marketIds) implements ClientAction {
        public Unsubscribe {
            marketIds = List.copyOf(marketIds);
        }
    }

    record Resume(String marketId, long sequence) implements ClientAction {
        public Resume {
            Objects.requireNonNull(marketId);
        }
    }

    record Ping() implements ClientAction {}
}
