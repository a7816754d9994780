package dev.portcullis.portus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's arguments: the password from a file or the environment, never printed; bad ones end with 1. */
class ImportCommandTest {

    final AtomicReference<String> seen = new AtomicReference<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    final PortusImport importer = new PortusImport() {
        @Override
        public ImportReport run(PortusSource source, boolean dryRun) {
            seen.set(source.url() + " " + source.user() + " " + source.password() + " " + dryRun);
            return new ImportReport(dryRun);
        }
    };

    int run(Map<String, String> env, String... args) {
        return ImportCommand.run(importer, args, env, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void passwordFromTheEnvironment() {
        assertEquals(0, run(Map.of("PORTUS_DB_PASSWORD", "pw"), "import-portus", "--from",
                "jdbc:mariadb://db/portus", "--user", "portus", "--dry-run"));
        assertEquals("jdbc:mariadb://db/portus portus pw true", seen.get());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("dry run") && !printed.contains("pw\n"), printed);
    }

    @Test
    void passwordFromAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        assertEquals(0, run(Map.of(), "import-portus", "--from", "jdbc:mariadb://db/portus", "--user", "portus",
                "--password-file", file.toString()));
        assertEquals("jdbc:mariadb://db/portus portus from-file false", seen.get());
    }

    @Test
    void badArgumentsEndWithOne() {
        assertEquals(1, run(Map.of(), "import-portus", "--from", "http://portus/", "--user", "portus"));
        assertEquals(1, run(Map.of(), "import-portus", "--from"));
        assertEquals(1, run(Map.of(), "import-portus", "--what"));
        assertEquals(null, seen.get());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: import-portus"));
    }
}
