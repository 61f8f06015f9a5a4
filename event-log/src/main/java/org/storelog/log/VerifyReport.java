package org.storelog.log;

/**
 * Outcome of checking every record's CRC, sequence and hash chain from the first record on.
 *
 * @param eventsChecked     records found intact before the first problem
 * @param lastSequence      last intact committed sequence number, -1 if none
 * @param chainHead         chain value (hex) after {@code lastSequence}
 * @param firstBadSequence  sequence number of the first damaged record, -1 if none
 * @param badFile           segment file holding it (or null)
 * @param badOffset         byte offset of that record in its file, -1 if none
 * @param reason            what is wrong, or null
 * @param tornTailBytes     bytes of an uncommitted batch at the end (a crash artifact, not damage;
 *                          the next writer discards them)
 */
public record VerifyReport(long eventsChecked, long lastSequence, String chainHead, long firstBadSequence,
                           String badFile, long badOffset, String reason, long tornTailBytes) {
    public boolean ok() { return firstBadSequence < 0; }
}
