package org.storelog.log;

/** The hash chain value (hex sha256) after the record with this sequence number; -1 and zeros for an empty log. */
public record ChainPoint(long sequence, String chain) {}
