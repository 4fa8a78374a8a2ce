#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli';

// The exit code is set, not forced, so pending output is flushed before the process ends.
runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
