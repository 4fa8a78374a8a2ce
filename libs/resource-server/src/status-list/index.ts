/** The Status List codec alone, dependency-free: `@revocation-server/resource-server/status-list`. */
export * from './status-list';
