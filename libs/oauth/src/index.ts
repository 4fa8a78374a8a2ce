export * from './oauth.module';
export * from './authorization-code/authorization-code.service';
export * from './authorization-code/pkce';
export * from './form-params';
export * from './introspection/introspection.service';
export * from './token-revocation/token-revocation.service';
export * from './token/token-issuer.service';
export * from './token/token.service';
