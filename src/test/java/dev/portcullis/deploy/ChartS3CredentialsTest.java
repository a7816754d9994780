package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Distribution 2.8's s3 driver builds its own credential chain (static keys, environment, shared file, EC2 instance
 * role) without the web-identity provider, so IRSA and workload identity give it no credentials.
 */
class ChartS3CredentialsTest {

    /** What the chart README and values say about S3 credentials is what distribution 2.8's s3 driver does. */
    @Test
    void s3CredentialsAreWhatDistribution28Reads() throws Exception {
        String values = Files.readString(Chart.DIR.resolve("values.yaml"));
        String readme = Files.readString(Chart.DIR.resolve("README.md"));
        for (String text : List.of(values, readme)) {
            assertFalse(text.contains("IRSA, workload identity") || text.contains("for S3 without keys"),
                    "distribution 2.8's s3 driver reads no web-identity token");
        }
        assertTrue(readme.contains("## S3 credentials"));
        assertTrue(readme.contains("AWS_WEB_IDENTITY_TOKEN_FILE"), "the README says why IRSA does not work");
    }

}
