export * from './store-user-directory';
export * from './subject-identifier';
export * from './user-directory';
export * from './user-directory.provider';
