/**
 * Adding paths, writing derivations and building them in a standalone store (issue 4).
 *
 * <ul>
 *   <li>{@link org.storelog.app.build.SourceAdder}: {@code audit add}, as {@code nix-store --add}.</li>
 *   <li>{@link org.storelog.app.build.DerivationRegistrar}: {@code audit drv create} ({@code create}) and
 *       {@code .drv} files given to {@code audit build} ({@code importFile}): text paths referring to
 *       their inputs, with {@code DerivationOutputsDeclared}.</li>
 *   <li>{@link org.storelog.app.build.DerivationBuilder}: one sandboxed build with Nix 2.8's output
 *       checks; registers nothing, so {@code audit rebuild --check} can call it once per round with a
 *       {@link org.storelog.sandbox.Variation} and fresh scratch/build directories, and compare
 *       {@code Result.outputs().get(name).narHash()} with what the store recorded.</li>
 *   <li>{@link org.storelog.app.build.Builds}: {@code audit build}: plan, dependency order,
 *       {@code --jobs}, moving outputs into the store and recording {@code BuildStarted} then
 *       {@code PathRegistered(BUILT)}… + {@code BuildSucceeded}, or {@code BuildFailed}.</li>
 *   <li>{@link org.storelog.app.build.BuildLogs}: zstd logs under {@code <state>/build-logs/}.</li>
 * </ul>
 */
package org.storelog.app.build;
