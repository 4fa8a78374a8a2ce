export * from './oauth.module';
export * from './form-params';
export * from './introspection/introspection.service';
export * from './token-revocation/token-revocation.service';
export * from './token/token-issuer.service';
export * from './token/token.service';
