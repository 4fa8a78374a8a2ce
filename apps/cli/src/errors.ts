/** Exit codes: 0 done, 1 refused or failed (bad input, conflict, not found, store error), 2 bad command line. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An expected failure: reported as one `error: …` line, never with a stack; exits 1. */
export class CliFailure extends Error {}

/** A command line that does not make sense (options that exclude each other, a malformed value); exits 2. */
export class UsageFailure extends CliFailure {}
