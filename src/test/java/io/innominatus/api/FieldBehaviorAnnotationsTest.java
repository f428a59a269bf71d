package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.FieldBehavior;
import com.google.api.FieldBehaviorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.innominatus.api.audit.v1.AuditServiceProto;
import io.innominatus.api.policy.v1.PolicyServiceProto;
import io.innominatus.api.workflow.v1.WorkflowServiceProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every field whose comment starts with {@code Required.}, {@code Output only.} or {@code Optional.} carries the
 * matching {@code google.api.field_behavior} annotation in the compiled descriptors, and no other field carries one.
 * The comments are read from the {@code .proto} sources, the annotations from the descriptors the service serves.
 */
class FieldBehaviorAnnotationsTest {

    private static final Path PROTO_ROOT = Path.of("proto");
    private static final Pattern OPEN = Pattern.compile("^\\s*(message|enum|oneof|service)\\s+(\\w+)\\s*\\{\\s*(})?\\s*$");
    private static final Pattern FIELD = Pattern.compile(
            "^\\s*(?:repeated\\s+|optional\\s+)?(?:map<[^>]+>|[\\w.]+)\\s+(\\w+)\\s*=\\s*\\d+\\s*(\\[.*])?\\s*;.*$");

    @Test
    void commentsAndAnnotationsAgree() throws IOException {
        Map<String, FileDescriptor> descriptors = descriptorsByFile();
        Map<String, List<FieldBehavior>> expected = expectedFromComments();
        List<String> problems = new ArrayList<>();
        int annotated = 0;
        for (Path file : protoFiles()) {
            String name = PROTO_ROOT.relativize(file).toString().replace('\\', '/');
            FileDescriptor descriptor = descriptors.get(name);
            assertTrue(descriptor != null, name + " is not among the served descriptors");
            for (Descriptor message : allMessages(descriptor)) {
                if (message.getOptions().getMapEntry()) {
                    continue;
                }
                for (FieldDescriptor field : message.getFields()) {
                    List<FieldBehavior> actual = field.getOptions().getExtension(FieldBehaviorProto.fieldBehavior);
                    List<FieldBehavior> wanted = expected.getOrDefault(field.getFullName(), List.of());
                    if (!actual.equals(wanted)) {
                        problems.add(field.getFullName() + ": comment says " + wanted + ", annotation says " + actual);
                    }
                    annotated += actual.isEmpty() ? 0 : 1;
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(annotated > 200, "only " + annotated + " annotated fields found");
    }

    @Test
    void theParserSeesTheComments() throws IOException {
        // A guard for the test itself: it reads the behaviour of fields it knows.
        Map<String, List<FieldBehavior>> expected = expectedFromComments();
        assertEquals(List.of(FieldBehavior.REQUIRED), expected.get("innominatus.workflow.v1.GetWorkflowRequest.workflow_id"));
        assertEquals(List.of(FieldBehavior.OUTPUT_ONLY), expected.get("innominatus.workflow.v1.Execution.execution_id"));
        assertEquals(List.of(FieldBehavior.OPTIONAL), expected.get("innominatus.workflow.v1.ListExecutionsRequest.view"));
        assertEquals(List.of(FieldBehavior.REQUIRED), expected.get("innominatus.workflow.v1.WorkflowFile.yaml"));
        assertFalse(expected.containsKey("innominatus.workflow.v1.ListExecutionsResponse.executions"));
    }

    /** Fully qualified field name → behaviours its comment's first sentence names. */
    private static Map<String, List<FieldBehavior>> expectedFromComments() throws IOException {
        Map<String, List<FieldBehavior>> result = new TreeMap<>();
        for (Path file : protoFiles()) {
            String pkg = "";
            Deque<String[]> scopes = new ArrayDeque<>();
            List<String> comment = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.trim();
                if (trimmed.startsWith("package ")) {
                    pkg = trimmed.substring("package ".length(), trimmed.length() - 1).trim();
                }
                Matcher open = OPEN.matcher(line);
                Matcher field = FIELD.matcher(line);
                if (open.matches()) {
                    if (open.group(3) == null) {
                        scopes.push(new String[] {open.group(1), open.group(2)});
                    }
                } else if (trimmed.equals("}")) {
                    scopes.pop();
                } else if (field.matches() && !scopes.isEmpty() && !scopes.peek()[0].equals("enum")
                        && !trimmed.startsWith("reserved") && !trimmed.startsWith("option ")) {
                    List<FieldBehavior> behaviours = behaviours(comment);
                    if (!behaviours.isEmpty()) {
                        result.put(pkg + "." + messagePath(scopes) + "." + field.group(1), behaviours);
                    }
                }
                if (trimmed.startsWith("//")) {
                    comment.add(trimmed.substring(2).trim());
                } else {
                    comment.clear();
                }
            }
        }
        return result;
    }

    private static List<FieldBehavior> behaviours(List<String> comment) {
        if (comment.isEmpty()) {
            return List.of();
        }
        String first = comment.get(0);
        if (first.startsWith("Required.")) {
            return List.of(FieldBehavior.REQUIRED);
        }
        if (first.startsWith("Output only.")) {
            return List.of(FieldBehavior.OUTPUT_ONLY);
        }
        if (first.startsWith("Optional.")) {
            return List.of(FieldBehavior.OPTIONAL);
        }
        return List.of();
    }

    /** The enclosing messages, outermost first (a oneof is not a scope of its fields' names). */
    private static String messagePath(Deque<String[]> scopes) {
        List<String> names = new ArrayList<>();
        scopes.descendingIterator().forEachRemaining(scope -> {
            if (scope[0].equals("message")) {
                names.add(scope[1]);
            }
        });
        return String.join(".", names);
    }

    private static List<Path> protoFiles() throws IOException {
        try (Stream<Path> files = Files.walk(PROTO_ROOT)) {
            return files.filter(f -> f.toString().endsWith(".proto")).sorted().toList();
        }
    }

    private static Map<String, FileDescriptor> descriptorsByFile() {
        Map<String, FileDescriptor> result = new LinkedHashMap<>();
        Deque<FileDescriptor> pending = new ArrayDeque<>(List.of(WorkflowServiceProto.getDescriptor(),
                PolicyServiceProto.getDescriptor(), AuditServiceProto.getDescriptor()));
        while (!pending.isEmpty()) {
            FileDescriptor file = pending.remove();
            if (result.putIfAbsent(file.getName(), file) == null) {
                pending.addAll(file.getDependencies());
            }
        }
        return result;
    }

    private static List<Descriptor> allMessages(FileDescriptor file) {
        List<Descriptor> result = new ArrayList<>();
        Deque<Descriptor> pending = new ArrayDeque<>(file.getMessageTypes());
        while (!pending.isEmpty()) {
            Descriptor message = pending.remove();
            result.add(message);
            pending.addAll(message.getNestedTypes());
        }
        return result;
    }
}
