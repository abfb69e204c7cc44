package dev.holdfast.local.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The one list of drills: add a drill here and {@code ./localstack/drill} runs it by name and in {@code all}. */
public final class Drills {
    private Drills() {}

    private static final List<Function<DrillSettings, Drill>> ALL = List.of(
            BroadcastSurge::new,
            UpgradeRollback::new,
            ListingSpike::new,
            FeedLag::new,
            SignupSurge::new,
            PartnerSurge::new,
            CrashDrill::new);

    public static List<Drill> all(DrillSettings settings) {
        List<Drill> out = new ArrayList<>();
        ALL.forEach(f -> out.add(f.apply(settings)));
        return out;
    }

    public static Optional<Drill> named(String name, DrillSettings settings) {
        return all(settings).stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return all(DrillSettings.defaults()).stream().map(Drill::name).toList();
    }
}
