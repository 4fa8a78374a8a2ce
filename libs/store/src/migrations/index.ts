import { InitialSchema1763900000000 } from './1763900000000-initial-schema';

/** Every migration, in order. Listed explicitly so the built server needs no file globbing. */
export const MIGRATIONS = [InitialSchema1763900000000];
