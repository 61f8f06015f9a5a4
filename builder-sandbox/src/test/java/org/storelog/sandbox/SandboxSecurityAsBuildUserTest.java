package org.storelog.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every check of {@link SandboxSecurityTest}, with bubblewrap running as Nix's unprivileged
 * build user {@code nixbld1} (needs root and an installed Nix; skipped otherwise).
 */
class SandboxSecurityAsBuildUserTest extends SandboxSecurityTest {
    private Optional<BwrapCommand.HostUser> user;

    @BeforeEach @Override void tools() throws IOException {
        super.tools();
        user = TestBuilds.nixBuildUser();
        Assumptions.assumeTrue(user.isPresent(), "needs root and Nix's nixbld1 account");
        Files.setAttribute(tmp, "unix:mode", 0755);
    }

    @Override SandboxRunner runner() { return new SandboxRunner(BwrapCommand.Tools.DEFAULT, user); }
}
