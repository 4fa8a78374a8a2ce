export * from './revocation-change';
export * from './revocation-feed.reader';
export * from './feed-sql';
