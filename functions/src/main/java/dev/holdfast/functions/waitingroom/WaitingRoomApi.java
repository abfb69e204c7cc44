package dev.holdfast.functions.waitingroom;

import dev.holdfast.functions.http.HttpFunction;
import dev.holdfast.persistence.Deployment;
import dev.holdfast.resources.Functions;

import java.util.Map;

/** Rollouts, cohort links, waiting-room enter and ticket polls. Scaffold: its routes arrive with the waiting room. */
public final class WaitingRoomApi extends HttpFunction {
    public WaitingRoomApi() {
        this(Deployment.fromEnvironment(), System.getenv());
        // SnapStart priming: the tables' read path for now; add this function's stub work as it grows
        dev.holdfast.functions.runtime.Priming.register(dev.holdfast.resources.Functions.WAITING_ROOM, Deployment.fromEnvironment(), () -> { });
    }

    public WaitingRoomApi(Deployment deployment, Map<String, String> environment) {
        super(Functions.WAITING_ROOM);
    }
}
