package dev.portcullis.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An architecture check on the sources: {@link Catalog} is the only code that writes the catalog's tables, and
 * only the {@link CatalogWriter} makes a {@code Catalog}, so every such write runs on the one writer's thread.
 * A second writer is how the sink's writers once deadlocked each other.
 */
class CatalogSingleWriterTest {

    static final Path SOURCES = Path.of("src/main/java");
    static final Pattern WRITE = Pattern.compile(
            "(?i)\\b(?:INSERT\\s+(?:IGNORE\\s+)?INTO|REPLACE\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(repositories|tags|manifests|tombstones)\\b");
    static final Pattern ENTITY = Pattern.compile("@Table\\s*\\(\\s*name\\s*=\\s*\"(repositories|tags|manifests|tombstones)\"");

    @Test
    void onlyCatalogWritesRepositoriesTagsAndManifests() throws IOException {
        TreeSet<String> writers = new TreeSet<>();
        for (Path file : sources()) {
            String text = Files.readString(file);
            Matcher write = WRITE.matcher(text);
            while (write.find()) {
                writers.add(relative(file) + " writes " + write.group(1));
            }
            if (ENTITY.matcher(text).find()) {
                writers.add(relative(file) + " maps a catalog table as an entity");
            }
        }
        assertEquals(List.of("dev/portcullis/registry/Catalog.java writes manifests",
                "dev/portcullis/registry/Catalog.java writes repositories",
                "dev/portcullis/registry/Catalog.java writes tags",
                "dev/portcullis/registry/Catalog.java writes tombstones"), List.copyOf(writers));
    }

    @Test
    void onlyTheWriterOpensACatalog() throws IOException {
        TreeSet<String> makers = new TreeSet<>();
        for (Path file : sources()) {
            if (Files.readString(file).contains("new Catalog(")) {
                makers.add(relative(file));
            }
        }
        assertEquals(List.of("dev/portcullis/registry/CatalogWriter.java"), List.copyOf(makers));
    }

    @Test
    void theCheckFindsAWriteWhereverItStands() {
        assertTrue(WRITE.matcher("UPDATE repositories r SET tag_count = 0").find());
        assertTrue(WRITE.matcher("insert ignore into tags (name) values (?)").find());
        assertTrue(WRITE.matcher("DELETE FROM\n  manifests WHERE digest = ?").find());
        assertTrue(!WRITE.matcher("SELECT * FROM tags").find());
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static String relative(Path file) {
        return SOURCES.relativize(file).toString().replace('\\', '/');
    }
}
