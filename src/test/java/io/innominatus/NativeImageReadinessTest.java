package io.innominatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Provisioner;
import io.quarkus.runtime.annotations.RegisterForProxy;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.annotations.RegisterResources;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a native executable needs declared ahead of time, checked on the JVM (no GraalVM here): every
 * type Jackson writes into the store is registered for reflection, and server code that reflects,
 * builds dynamic proxies, reads classpath resources or loads services does so only where a
 * registration (or a Quarkus extension) covers it. The CLI is left out: it runs on the JVM only, from
 * its own jar.
 */
class NativeImageReadinessTest {

    private static final String ROOT = "io.innominatus";
    /** Services loaded with ServiceLoader and the extension that registers their implementations. */
    private static final Map<String, String> SERVICE_LOADERS = Map.of(
            "io.innominatus.steps.data.DatabaseMigrationStepExecutor", "java.sql.Driver: quarkus-jdbc-h2 and quarkus-jdbc-postgresql");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void everyTypeTheStoreKeepsAsJsonIsRegisteredForReflection() throws ClassNotFoundException {
        Class<?> holder = Class.forName("io.innominatus.store.StoredDocuments");
        RegisterForReflection registration = holder.getAnnotation(RegisterForReflection.class);
        assertTrue(registration != null, "StoredDocuments lost its @RegisterForReflection");
        assertTrue(registration.methods() && registration.fields(), "Jackson needs the records' accessors and fields");
        Set<String> registered = new TreeSet<>();
        for (Class<?> target : registration.targets()) {
            registered.add(target.getName());
        }

        List<Type> roots = new ArrayList<>(List.of(DeploymentPlan.class, Provisioner.class));
        roots.addAll(List.of(EventPayload.class.getPermittedSubclasses()));
        Set<String> reachable = reachableDomainTypes(roots);

        Set<String> missing = new TreeSet<>(reachable);
        missing.removeAll(registered);
        assertEquals(Set.of(), missing, "stored as JSON but not registered in StoredDocuments");
        assertTrue(reachable.size() > 20, "the walk found too little to be trusted: " + reachable);
        Set<String> stale = new TreeSet<>(registered);
        stale.removeAll(reachable);
        assertEquals(Set.of(), stale, "registered in StoredDocuments but no longer stored");
    }

    /** Records, enums and sealed types of the application reachable through record components. */
    private static Set<String> reachableDomainTypes(List<Type> roots) {
        Deque<Type> pending = new ArrayDeque<>(roots);
        Set<String> seen = new TreeSet<>();
        while (!pending.isEmpty()) {
            Type type = pending.pop();
            if (type instanceof ParameterizedType parameterized) {
                pending.push(parameterized.getRawType());
                List.of(parameterized.getActualTypeArguments()).forEach(pending::push);
            } else if (type instanceof WildcardType wildcard) {
                List.of(wildcard.getUpperBounds()).forEach(pending::push);
            } else if (type instanceof GenericArrayType array) {
                pending.push(array.getGenericComponentType());
            } else if (type instanceof Class<?> c) {
                if (c.isArray()) {
                    pending.push(c.getComponentType());
                } else if (c.getName().startsWith(ROOT + ".") && seen.add(c.getName())) {
                    if (c.isRecord()) {
                        for (RecordComponent component : c.getRecordComponents()) {
                            pending.push(component.getGenericType());
                        }
                    }
                    if (c.isSealed()) {
                        List.of(c.getPermittedSubclasses()).forEach(pending::push);
                    }
                    if (c.isInterface() && !c.isSealed()) {
                        throw new AssertionError(c.getName() + " is stored as an open interface: Jackson cannot read it back");
                    }
                }
            }
        }
        seen.removeIf(name -> {
            try {
                return Class.forName(name).isInterface();
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        });
        return seen;
    }

    @Test
    void dynamicProxiesAreRegistered() {
        List<String> unregistered = callers(call -> is(call, "java.lang.reflect.Proxy", "newProxyInstance"),
                RegisterForProxy.class);
        assertEquals(List.of(), unregistered, "dynamic proxies without @RegisterForProxy");
    }

    @Test
    void reflectiveCallsAreRegistered() {
        Set<String> reflective = Set.of("forName", "getDeclaredMethod", "getDeclaredMethods", "getMethod", "getMethods",
                "getDeclaredConstructor", "getDeclaredConstructors", "getDeclaredField", "getDeclaredFields", "getField");
        List<String> unregistered = callers(call -> is(call, "java.lang.Class", reflective)
                || is(call, "java.lang.reflect.Method", "invoke")
                || is(call, "java.lang.reflect.Constructor", "newInstance")
                || is(call, "java.lang.reflect.Field", "get")
                || is(call, "java.lang.reflect.Field", "set"), RegisterForReflection.class);
        assertEquals(List.of(), unregistered, "reflection without @RegisterForReflection");
    }

    @Test
    void classpathResourcesAreRegistered() {
        Set<String> reads = Set.of("getResource", "getResourceAsStream", "getResources", "getSystemResource",
                "getSystemResourceAsStream");
        List<String> unregistered = callers(call -> is(call, "java.lang.Class", reads) || is(call, "java.lang.ClassLoader", reads),
                RegisterResources.class);
        assertEquals(List.of(), unregistered, "classpath resources read without @RegisterResources");
    }

    @Test
    void serviceLoadersOnlyLoadServicesAnExtensionRegisters() {
        List<String> loaders = serverClasses().stream()
                .filter(c -> c.getMethodCallsFromSelf().stream().anyMatch(call -> is(call, "java.util.ServiceLoader", "load")))
                .map(NativeImageReadinessTest::topLevel).distinct().sorted().toList();
        assertEquals(new TreeSet<>(SERVICE_LOADERS.keySet()).stream().toList(), loaders,
                "ServiceLoader users changed: make sure the native executable registers the services they load");
    }

    /** Top-level server classes that make a matching call without carrying {@code registration}. */
    private static List<String> callers(Predicate<JavaMethodCall> call, Class<? extends Annotation> registration) {
        List<String> found = new ArrayList<>();
        for (JavaClass c : serverClasses()) {
            for (JavaMethodCall made : c.getMethodCallsFromSelf()) {
                if (call.test(made)) {
                    JavaClass top = outermost(c);
                    if (!top.isAnnotatedWith(registration)) {
                        found.add(top.getName() + " (" + made.getTarget().getOwner().getSimpleName() + "." + made.getName() + ")");
                    }
                }
            }
        }
        return found.stream().distinct().sorted().toList();
    }

    private static List<JavaClass> serverClasses() {
        return classes.stream()
                .filter(c -> !c.getPackageName().startsWith(ROOT + ".cli"))
                .filter(c -> !c.getPackageName().startsWith(ROOT + ".api.workflow.v1"))
                .filter(c -> !c.getPackageName().startsWith(ROOT + ".api.policy.v1"))
                .toList();
    }

    private static boolean is(JavaMethodCall call, String owner, String name) {
        return call.getTarget().getOwner().getName().equals(owner) && call.getName().equals(name);
    }

    private static boolean is(JavaMethodCall call, String owner, Set<String> names) {
        return call.getTarget().getOwner().getName().equals(owner) && names.contains(call.getName());
    }

    private static JavaClass outermost(JavaClass c) {
        JavaClass current = c;
        while (current.getEnclosingClass().isPresent()) {
            current = current.getEnclosingClass().get();
        }
        return current;
    }

    private static String topLevel(JavaClass c) {
        return outermost(c).getName();
    }
}
