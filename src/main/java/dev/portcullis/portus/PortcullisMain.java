package dev.portcullis.portus;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

/**
 * The packaged application's entry: the server, as without a main of its own, unless the first argument names a
 * command ({@code import-portus}), which runs once the application has started (migrations applied) and then
 * ends it with its exit code. Here rather than at the top because the import is its only command.
 */
@QuarkusMain
public class PortcullisMain implements QuarkusApplication {

    @Inject
    PortusImport importer;

    @Override
    public int run(String... args) {
        if (args.length > 0 && ImportCommand.NAME.equals(args[0])) {
            return ImportCommand.run(importer, args, System.getenv(), System.out);
        }
        Quarkus.waitForExit();
        return 0;
    }
}
