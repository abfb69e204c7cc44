package dev.holdfast.local.drill;

/**
 * What every drill holds besides its run: its command-line name, its one-line story and the
 * {@link DrillSettings} it runs with. A drill extends this with a constructor taking the settings,
 * and implements {@link #run}.
 */
public abstract class AbstractDrill implements Drill {
    private final String name;
    private final String story;
    protected final DrillSettings settings;

    protected AbstractDrill(String name, String story, DrillSettings settings) {
        this.name = name;
        this.story = story;
        this.settings = settings;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String story() {
        return story;
    }
}
