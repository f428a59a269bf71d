package io.innominatus.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The environments catalog, delivering to two mock clusters and a Git repository (see {@link EnvironmentsTestResource}). */
public class EnvironmentsTestProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(EnvironmentsTestResource.class));
    }
}
