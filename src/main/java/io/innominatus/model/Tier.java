package io.innominatus.model;

/** The tier a workflow belongs to; the declaration order is the order tiers run in within a phase. */
public enum Tier {
    PLATFORM("platform"),
    PRODUCT("product"),
    APPLICATION("application");

    private final String label;

    Tier(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** True when this tier ranks above {@code other} (platform &gt; product &gt; application). */
    public boolean outranks(Tier other) {
        return ordinal() < other.ordinal();
    }
}
