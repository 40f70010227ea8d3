// Shapes shared by IAM's operation tables.

/** The response of an operation whose output carries no members (DeleteRole, PutRolePolicy, …). */
export type Empty = Record<string, never>;
