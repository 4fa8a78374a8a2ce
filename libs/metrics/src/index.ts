export * from './metrics-token.guard';
export * from './metrics.controller';
export * from './metrics.module';
export * from './metrics.options';
export * from './metrics.service';
