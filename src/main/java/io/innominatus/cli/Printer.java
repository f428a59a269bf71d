package io.innominatus.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Writes API messages as JSON (protobuf JSON mapping) or YAML (the same document) to standard output. */
final class Printer {

    private static final ObjectMapper JSON = new ObjectMapper();
    // Protobuf's JSON mapping as grpcurl and other reflection clients print it: fields at their default value are left
    // out, so the same call gives the same document whichever client made it.
    private static final JsonFormat.Printer PRETTY = JsonFormat.printer();
    private static final JsonFormat.Printer COMPACT = PRETTY.omittingInsignificantWhitespace();

    private final PrintWriter out;
    private final OutputFormat format;

    Printer(PrintWriter out, OutputFormat format) {
        this.out = out;
        this.format = format;
    }

    OutputFormat format() {
        return format;
    }

    boolean structured() {
        return format != OutputFormat.table;
    }

    /** Prints one message as a whole document. */
    void document(MessageOrBuilder message) {
        if (format == OutputFormat.yaml) {
            out.print(yaml(message, false));
        } else {
            out.println(json(message, PRETTY));
        }
        out.flush();
    }

    /** Prints one message of a stream: a JSON line, or a YAML document with its {@code ---} separator. */
    void streamed(MessageOrBuilder message) {
        if (format == OutputFormat.yaml) {
            out.print(yaml(message, true));
        } else {
            out.println(json(message, COMPACT));
        }
        out.flush();
    }

    /** A document, or a streamed one when a stream of events follows it on the same output. */
    void streamedOrDocument(MessageOrBuilder message, boolean streaming) {
        if (streaming) {
            streamed(message);
        } else {
            document(message);
        }
    }

    static String json(MessageOrBuilder message, JsonFormat.Printer printer) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new CliException(ExitCodes.SERVER_ERROR, "cannot print the server's answer as JSON: " + e.getMessage());
        }
    }

    static String yaml(MessageOrBuilder message, boolean explicitStart) {
        Object tree;
        try {
            tree = JSON.readValue(json(message, COMPACT), Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(120);
        options.setExplicitStart(explicitStart);
        return new Yaml(options).dump(tree);
    }
}
