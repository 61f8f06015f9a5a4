package org.storelog.sandbox;

import java.time.Duration;

/**
 * Build limits, as Nix's {@code timeout} and {@code max-silent-time} settings: a zero duration
 * means "no limit". Exceeding either kills the whole sandbox.
 */
public record Limits(Duration timeout, Duration maxSilentTime) {
    public static final Limits NONE = new Limits(Duration.ZERO, Duration.ZERO);

    public Limits {
        if (timeout == null) timeout = Duration.ZERO;
        if (maxSilentTime == null) maxSilentTime = Duration.ZERO;
        if (timeout.isNegative() || maxSilentTime.isNegative())
            throw new SandboxException(SandboxException.Reason.INVALID_REQUEST,
                    "limits must not be negative: timeout " + timeout + ", max-silent-time " + maxSilentTime);
    }

    public boolean hasTimeout() { return !timeout.isZero(); }

    public boolean hasMaxSilentTime() { return !maxSilentTime.isZero(); }
}
