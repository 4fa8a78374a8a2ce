/** Metadata key of @RequireScopes: the scopes a handler or controller needs. */
export const REQUIRED_SCOPES = Symbol('resource-server:required-scopes');
