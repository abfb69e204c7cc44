package dev.holdfast.local.drill;

public final class UpgradeRollback implements Drill {
    private final DrillSettings settings;

    public UpgradeRollback(DrillSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "upgrade-rollback";
    }

    @Override
    public String story() {
        return "todo";
    }

    @Override
    public DrillReport run(DrillProgress progress) {
        return new DrillReport(name());
    }
}
