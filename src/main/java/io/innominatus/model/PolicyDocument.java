package io.innominatus.model;

/** A {@code WorkflowPolicies} document from {@code workflows/policies/}. */
public record PolicyDocument(String name, String description, String owner, String sourceFile, PolicyRules rules) {}
