package io.innominatus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads the user's files: Score files and candidate workflows. */
final class LocalFiles {

    private LocalFiles() {}

    /** A file given on the command line: its path as typed, where it is, and its text. */
    record InputFile(String argument, Path path, String text) {

        String fileName() {
            return path.getFileName().toString();
        }

        /** A top-level {@code metadata.<key>} string, if the file is YAML that has one. */
        Optional<String> metadata(String key) {
            return LocalFiles.metadata(text, key);
        }
    }

    static InputFile read(CliEnvironment env, String argument) {
        Path path = env.resolve(argument);
        try {
            if (Files.isDirectory(path)) {
                throw new CliException(ExitCodes.USAGE, "cannot read " + argument + ": it is a directory");
            }
            return new InputFile(argument, path, Files.readString(path, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + argument + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + argument + ": " + ErrorReport.plainMessage(e));
        }
    }

    /** Reads {@code metadata.<key>} with SnakeYAML's safe constructor; empty when the file is not such YAML. */
    static Optional<String> metadata(String text, String key) {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(20);
            options.setNestingDepthLimit(64);
            options.setCodePointLimit(4 * 1024 * 1024);
            Object document = new Yaml(new SafeConstructor(options)).load(text);
            if (document instanceof Map<?, ?> root && root.get("metadata") instanceof Map<?, ?> metadata
                    && metadata.get(key) instanceof String value && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        } catch (RuntimeException e) {
            // Not readable YAML: the server says why when the file is sent.
        }
        return Optional.empty();
    }

    /**
     * Where a product workflow lives in the catalog: {@code products/<product>/<file name>}, the product taken
     * from {@code --product}, else the file's {@code metadata.product}, else its directory's name.
     */
    record ProductFile(String product, String catalogPath, String workflowId, Optional<String> warning) {}

    static ProductFile productFile(InputFile file, String productOption) {
        Optional<String> declared = file.metadata("product");
        Path parent = file.path().getParent();
        String directory = parent == null || parent.getFileName() == null ? null : parent.getFileName().toString();
        boolean inCatalogLayout = parent != null && parent.getParent() != null && parent.getParent().getFileName() != null
                && parent.getParent().getFileName().toString().equals("products");
        String product = productOption != null ? productOption : declared.orElse(directory);
        if (product == null || product.isBlank()) {
            throw new CliException(ExitCodes.USAGE, "cannot tell which product " + file.argument() + " belongs to: set "
                    + "metadata.product, keep the file in workflows/products/<product>/, or pass --product");
        }
        Optional<String> warning = Optional.empty();
        if (inCatalogLayout && !directory.equals(product)) {
            warning = Optional.of("the file sits in products/" + directory + "/ but is checked as a workflow of product '"
                    + product + "'; in the catalog it must live in products/" + product + "/");
        }
        String name = file.metadata("name").orElse(stripExtension(file.fileName()));
        return new ProductFile(product, "products/" + product + "/" + file.fileName(), "products/" + product + "/" + name,
                warning);
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
