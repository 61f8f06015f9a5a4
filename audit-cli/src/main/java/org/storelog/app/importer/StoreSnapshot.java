package org.storelog.app.importer;

import java.util.Map;

/**
 * The whole content of a store database at one moment: valid paths in database order, and
 * derivation outputs (drv path → output name → output path).
 */
public record StoreSnapshot(String source, String kind, Map<String, ImportedPath> paths,
                            Map<String, Map<String, String>> derivationOutputs) {}
