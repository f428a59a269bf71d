package io.innominatus.app;

/** Tells who the current caller is. */
public interface CallerProvider {

    Caller current();
}
