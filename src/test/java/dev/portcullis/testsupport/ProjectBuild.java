package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs this project's own Maven build ({@code ./mvnw}) as a user would, from a test. It runs in a copy of the
 * project (the POM, the wrapper and {@code src/main}; no {@code target/}, no tests), so it never touches the
 * {@code target/} of the build that runs the test. Not offline: on a fresh machine the running build has not yet
 * resolved what its own later phases need (the jar plugin's dependencies), so this build may fetch them from the
 * same Maven repositories; with a warm local repository it fetches nothing. Secrets go in {@code env} (Quarkus
 * reads its configuration from the environment too), so the logged command never holds one.
 */
public final class ProjectBuild {

    /** Exit code, the copy the build ran in, and its log (command line, then Maven's output). */
    public record Result(int exitCode, Path project, Path log) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** A file the build wrote, relative to the copy's {@code target/}. */
        public Path target(String file) {
            return project.resolve("target").resolve(file);
        }

        @Override
        public String toString() {
            return "./mvnw exit " + exitCode + " in " + project + Processes.describeLog(log);
        }
    }

    private ProjectBuild() {
    }

    /**
     * Copies the project into {@code dir} and runs {@code ./mvnw -B -ntp <args>} there with {@code env} added,
     * on the JDK that runs the test; a build that outlasts {@code timeout} is killed.
     */
    public static Result mvnw(Path dir, List<String> args, Map<String, String> env, Duration timeout) {
        Path project = copyProject(projectRoot(), dir);
        List<String> command = new ArrayList<>(List.of(project.resolve("mvnw").toString(), "-B", "-ntp"));
        command.addAll(args);
        Map<String, String> environment = new HashMap<>(env);
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        // Beside the other helpers' logs, so it outlives a temporary dir when the build fails.
        Path log = Processes.sharedLogDir().resolve(String.format("mvnw-%d-%d.log", ProcessHandle.current().pid(),
                System.nanoTime()));
        int exit = Processes.run(command, environment, project, log, timeout);
        return new Result(exit, project, log);
    }

    /** Surefire and failsafe run tests in the project's base directory. */
    static Path projectRoot() {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isRegularFile(root.resolve("mvnw"))) {
            throw new IllegalStateException("not the project's base directory (no pom.xml and mvnw): " + root);
        }
        return root;
    }

    private static Path copyProject(Path from, Path to) {
        try {
            Path project = Files.createDirectories(to.resolve("project"));
            for (String file : List.of("pom.xml", "mvnw")) {
                Files.copy(from.resolve(file), project.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
            }
            copyTree(from.resolve(".mvn"), project.resolve(".mvn"));
            copyTree(from.resolve("src/main"), project.resolve("src/main"));
            return project;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the project from " + from + " to " + to, e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
