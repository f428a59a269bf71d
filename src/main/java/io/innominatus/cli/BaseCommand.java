package io.innominatus.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** What every command shares: the global options, output, and one connection opened on first use. */
abstract class BaseCommand implements Callable<Integer> {

    @ParentCommand
    InnominatusCtl root;

    private Connection connection;

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Does the work and returns the exit code; failures are thrown and reported by {@link ErrorReport}. */
    protected abstract int run() throws Exception;

    protected Connection connection() {
        if (connection == null) {
            connection = root.connect();
        }
        return connection;
    }

    protected CliEnvironment env() {
        return root.env();
    }

    protected PrintWriter out() {
        return root.env().out();
    }

    protected PrintWriter err() {
        return root.env().err();
    }

    protected Style style() {
        return root.style();
    }

    protected Printer printer() {
        return root.printer();
    }

    protected boolean structured() {
        return root.printer().structured();
    }

    protected void warn(String message) {
        err().println("warning: " + message);
        err().flush();
    }
}
