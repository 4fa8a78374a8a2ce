export * from './feature-flag.guard';
export * from './feature-flag.module';
export * from './feature-flag.service';
export * from './feature-flags';
export * from './require-feature.decorator';
