export * from './revocation-change';
export * from './revocation-feed.reader';
