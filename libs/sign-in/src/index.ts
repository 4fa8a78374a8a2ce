export * from './authorize/authorization-request';
export * from './authorize/authorize.service';
export * from './browser/browser-session.service';
export * from './browser/cookies';
export * from './end-session/end-session.service';
export * from './sign-in.module';
