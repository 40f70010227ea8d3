// The repository name syntax both the registry and its token endpoint check.

/** ECR's repository name syntax (CreateRepository's repositoryName pattern), which also fits the distribution spec's. */
export const REPOSITORY_NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
