export * from './auth/global-revocation-auth.guard';
export * from './auth/revocation-assertion.verifier';
export * from './global-revocation.service';
export * from './revocation.constants';
export * from './revocation-core.module';
export * from './revocation.module';
export * from './revocation.options';
export * from './subject/sub-id.pipe';
