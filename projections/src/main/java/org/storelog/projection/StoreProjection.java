package org.storelog.projection;

import java.util.Iterator;
import java.util.List;
import org.storelog.domain.event.LoggedEvent;

/**
 * A {@link StoreView} that is kept up to date by folding logged events into it.
 *
 * <p>{@link #apply} is atomic: either every new event of the batch is folded in and
 * {@link #lastAppliedSequence()} moves to the batch's last sequence number, or (on any exception)
 * nothing changes. Events whose sequence number is not above the last applied one are skipped, so
 * handing the same events twice is harmless.
 */
public interface StoreProjection extends StoreView, AutoCloseable {

    /** Folds one batch atomically; throws {@link ProjectionException} on an event it cannot fold. */
    void apply(List<LoggedEvent> batch);

    /**
     * Folds everything the iterator yields, in atomic chunks; returns how many events were new.
     * If the iterator or an event fails, the chunks before stay applied and the exception
     * propagates; calling again with the log read from {@code lastAppliedSequence() + 1} resumes.
     */
    long catchUp(Iterator<LoggedEvent> events);

    @Override
    default void close() {}
}
