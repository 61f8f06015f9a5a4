package org.storelog.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.stream.Stream;
import org.storelog.app.StoreException;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.log.EventLog;

/**
 * A point in the log's past, as {@code --as-of} and {@code --until} take it: a sequence number, or a
 * time (ISO-8601 instant, local date-time taken as UTC, or a date meaning its end), which stands for
 * the last event committed at or before it.
 */
record AsOf(Long sequence, Instant time, String text) {

    static AsOf parse(String s) {
        if (s.matches("\\d+")) return new AsOf(Long.parseLong(s), null, s);
        try {
            return new AsOf(null, OffsetDateTime.parse(s).toInstant(), s);
        } catch (DateTimeParseException ignored) { }
        try {
            return new AsOf(null, Instant.parse(s), s);
        } catch (DateTimeParseException ignored) { }
        try {
            return new AsOf(null, LocalDateTime.parse(s).toInstant(ZoneOffset.UTC), s);
        } catch (DateTimeParseException ignored) { }
        try {
            return new AsOf(null, LocalDate.parse(s).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(1), s);
        } catch (DateTimeParseException ignored) { }
        throw new StoreException(64, "'" + s + "' is neither a sequence number nor a time (e.g. 2026-11-23T08:30:00Z)");
    }

    /** The last sequence number included (-1 when the point lies before the first event). */
    long resolve(EventLog log) {
        long last = log.lastSequence();
        if (sequence != null) {
            if (sequence > last)
                throw new StoreException(64, "sequence " + sequence + " is beyond the end of the log (last is " + last + ")");
            return sequence;
        }
        long cutoff = time.toEpochMilli();
        long found = -1;
        try (Stream<LoggedEvent> events = log.read(0)) {
            for (var it = events.iterator(); it.hasNext(); ) {
                LoggedEvent e = it.next();
                if (e.timestamp() > cutoff) break;
                found = e.sequence();
            }
        }
        return found;
    }
}
