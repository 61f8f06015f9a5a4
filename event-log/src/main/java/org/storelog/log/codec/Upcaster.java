package org.storelog.log.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the JSON payload of one type at revision {@link #fromRevision()} into revision
 * {@code fromRevision() + 1}. Upcasters chain: a revision 1 payload of a type now at revision 3
 * goes through the 1→2 and 2→3 upcasters. They work on the JSON tree, never on Java objects,
 * so old payloads never need old classes.
 */
public interface Upcaster {
    String type();

    int fromRevision();

    /** May modify and return {@code payload}. */
    ObjectNode upcast(ObjectNode payload);
}
