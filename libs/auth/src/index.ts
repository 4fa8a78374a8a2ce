export * from './secrets/secret-hasher';
