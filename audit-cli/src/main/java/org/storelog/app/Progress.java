package org.storelog.app;

/** Progress of long work, reported by library code and drawn (or not) by the CLI. */
public interface Progress extends AutoCloseable {
    Progress NONE = new Progress() {
        @Override public void total(long total) {}
        @Override public void step(long done, String current) {}
        @Override public void close() {}
    };

    void total(long total);

    void step(long done, String current);

    @Override void close();
}
