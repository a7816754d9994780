package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.access.api.ApiViews;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SimpleVerifier;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;
import org.objectweb.asm.tree.analysis.Value;

/**
 * A native image only serializes what the build registered for reflection. Quarkus registers the types a resource
 * method declares (its return type and body parameter), but it cannot see an object handed to
 * {@code Response...entity(...)} or to an {@code ObjectMapper} of our own: Jackson would find no properties there
 * and answer 500, in the native image only. This test finds those places in our bytecode (the static type of the
 * value passed, or the class literal given to {@code readValue}) and requires every type of ours among them to carry
 * {@link RegisterForReflection}.
 */
class NativeReflectionTest {

    static final String RESPONSE = "jakarta/ws/rs/core/Response";
    static final String RESPONSE_BUILDER = "jakarta/ws/rs/core/Response$ResponseBuilder";
    static final String OBJECT_MAPPER = "com/fasterxml/jackson/databind/ObjectMapper";
    static final String OURS = "dev/portcullis/";

    /** Our type → where it is serialized, e.g. {@code access/ApplicationTokensResource.create}. */
    static Map<String, List<String>> serialized = new TreeMap<>();

    @BeforeAll
    static void scan() throws IOException, URISyntaxException {
        Path classes = Path.of(ApiViews.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(classes.resolve(OURS))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                ClassNode node = new ClassNode();
                try (InputStream in = Files.newInputStream(file)) {
                    new ClassReader(in).accept(node, ClassReader.SKIP_DEBUG);
                }
                for (MethodNode method : node.methods) {
                    scan(node, method);
                }
            }
        }
    }

    @Test
    void everyTypeOfOursSerializedOutOfTheBuildsSightIsRegisteredForReflection() throws ClassNotFoundException {
        List<String> missing = new ArrayList<>();
        for (var entry : serialized.entrySet()) {
            Class<?> type = Class.forName(entry.getKey().replace('/', '.'));
            if (!type.isAnnotationPresent(RegisterForReflection.class)) {
                missing.add(type.getName() + " (" + String.join(", ", entry.getValue()) + ")");
            }
        }
        assertEquals(List.of(), missing, "add @RegisterForReflection: serialized where the native build cannot see it");
    }

    @Test
    void theScanSeesTheEntitiesOfResponses() {
        // Guards the scan itself: a scan that found nothing would pass the test above vacuously.
        assertTrue(serialized.containsKey(Type.getInternalName(ApiViews.CreatedTokenView.class)), serialized::toString);
        assertTrue(serialized.containsKey(Type.getInternalName(ApiViews.UserView.class)), serialized::toString);
    }

    private static void scan(ClassNode owner, MethodNode method) {
        if (method.instructions.size() == 0) {
            return;
        }
        Frame<BasicValue>[] types;
        Frame<SourceValue>[] sources;
        try {
            SimpleVerifier verifier = new SimpleVerifier();
            verifier.setClassLoader(NativeReflectionTest.class.getClassLoader());
            types = new Analyzer<>(verifier).analyze(owner.name, method);
            sources = new Analyzer<>(new SourceInterpreter()).analyze(owner.name, method);
        } catch (AnalyzerException e) {
            throw new IllegalStateException("cannot analyse " + owner.name + "." + method.name, e);
        }
        String where = owner.name.substring(OURS.length()).replace('$', '.') + "." + method.name;
        for (int i = 0; i < method.instructions.size(); i++) {
            if (!(method.instructions.get(i) instanceof MethodInsnNode call) || types[i] == null) {
                continue;
            }
            Type[] params = Type.getArgumentTypes(call.desc);
            if (isEntity(call) || isJacksonWrite(call)) {
                // The argument declared as Object: its static type is what Jackson will be asked to write.
                for (int p = 0; p < params.length; p++) {
                    if (params[p].equals(Type.getType(Object.class))) {
                        record(argument(types[i], params, p).getType(), where);
                    }
                }
            } else if (isJacksonRead(call)) {
                // readValue(json, Foo.class), treeToValue(node, Foo.class), convertValue(x, Foo.class)
                for (int p = 0; p < params.length; p++) {
                    if (params[p].equals(Type.getType(Class.class))) {
                        for (AbstractInsnNode source : argument(sources[i], params, p).insns) {
                            if (source instanceof LdcInsnNode ldc && ldc.cst instanceof Type literal) {
                                record(literal, where);
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code Response.ok(entity)}, {@code Response.ok(entity, type)}, {@code ResponseBuilder.entity(entity)}. */
    private static boolean isEntity(MethodInsnNode call) {
        return (call.owner.equals(RESPONSE) && call.name.equals("ok"))
                || (call.owner.equals(RESPONSE_BUILDER) && call.name.equals("entity"));
    }

    private static boolean isJacksonWrite(MethodInsnNode call) {
        return call.owner.equals(OBJECT_MAPPER) && call.name.startsWith("writeValue");
    }

    private static boolean isJacksonRead(MethodInsnNode call) {
        return call.owner.equals(OBJECT_MAPPER)
                && (call.name.equals("readValue") || call.name.equals("treeToValue") || call.name.equals("convertValue"));
    }

    /** The value of argument {@code index} on the operand stack just before the call. */
    private static <V extends Value> V argument(Frame<V> frame, Type[] params, int index) {
        // One stack entry per argument, long and double included (ASM's Frame, unlike the JVM, does not split them).
        return frame.getStack(frame.getStackSize() - params.length + index);
    }

    private static void record(Type type, String where) {
        if (type != null && type.getSort() == Type.OBJECT && type.getInternalName().startsWith(OURS)) {
            serialized.computeIfAbsent(type.getInternalName(), k -> new ArrayList<>()).add(where);
        }
    }
}
