/**
 * The workflow catalog: loads {@code admin-config.yaml} and the {@code workflows/} tree
 * (platform, products, policies) into an immutable, indexed {@link io.innominatus.catalog.Catalog},
 * and swaps catalogs atomically on reload, keeping the last good one when a reload has errors.
 *
 * <p>Depends on {@code model}, {@code parse} and {@code score}.
 */
package io.innominatus.catalog;
