export * from './base-metadata';
export * from './discovery.controller';
export * from './discovery.module';
export * from './discovery.options';
export * from './discovery.registry';
