/**
 * The domain: immutable records, enums and sealed types shared by every stage of the pipeline
 * (workflow definitions, Score workloads, policies, plans, executions and their events).
 *
 * <p>Depends on nothing but the JDK: no framework, no protobuf, no YAML. Every other package may
 * depend on it.
 */
package io.innominatus.model;
