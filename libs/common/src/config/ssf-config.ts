import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { toInt } from './environment-variables';
import { validateConfig } from './validate-config';

/** The Shared Signals transmitter (docs/shared-signals.md). */
export interface SsfConfig {
  /** Streams one receiver (client) may have; one more is refused with 409 (SSF 1.0 §8.1.1.1). */
  maxStreamsPerReceiver: number;
  /** Seconds between two verification requests of a stream (`min_verification_interval`); sooner is refused with 429. */
  minVerificationInterval: number;
  /** Longest a poll waits for events when the receiver asks for long polling (RFC 8936 §2.4), seconds. */
  pollMaxWait: number;
  /** Seconds a polled SET waits for its acknowledgment before it is returned again by a later poll. */
  pollAckTimeout: number;
  /** Events a paused stream holds at most; past it the oldest held event is dropped. */
  pausedMaxEvents: number;
  /** Seconds an event is kept for a paused stream or an unacknowledged poll before it is dropped. */
  eventRetention: number;
  /** Seconds without receiver activity after which the server pauses a stream (`inactivity_timeout`); 0: never. */
  inactivityTimeout: number;
}

/** The SSF_* variables, validated apart from the others since only the transmitter reads them. */
export class SsfEnvironmentVariables {
  @IsOptional() @IsInt() @Min(1) @Max(1000) @Transform(({ value }) => toInt(value))
  SSF_MAX_STREAMS_PER_RECEIVER?: number;

  @IsOptional() @IsInt() @Min(0) @Max(86400) @Transform(({ value }) => toInt(value))
  SSF_MIN_VERIFICATION_INTERVAL?: number;

  @IsOptional() @IsInt() @Min(0) @Max(300) @Transform(({ value }) => toInt(value))
  SSF_POLL_MAX_WAIT?: number;

  @IsOptional() @IsInt() @Min(1) @Max(86400) @Transform(({ value }) => toInt(value))
  SSF_POLL_ACK_TIMEOUT?: number;

  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) @Transform(({ value }) => toInt(value))
  SSF_PAUSED_MAX_EVENTS?: number;

  @IsOptional() @IsInt() @Min(60) @Max(31_536_000) @Transform(({ value }) => toInt(value))
  SSF_EVENT_RETENTION?: number;

  @IsOptional() @IsInt() @Min(0) @Max(31_536_000) @Transform(({ value }) => toInt(value))
  SSF_INACTIVITY_TIMEOUT?: number;
}

/** Reads and validates the SSF_* variables; a bad value throws with the variable's name. */
export function ssfConfig(env: Record<string, string | undefined>): SsfConfig {
  const v = validateConfig(env, SsfEnvironmentVariables);
  return {
    maxStreamsPerReceiver: v.SSF_MAX_STREAMS_PER_RECEIVER ?? 10,
    minVerificationInterval: v.SSF_MIN_VERIFICATION_INTERVAL ?? 10,
    pollMaxWait: v.SSF_POLL_MAX_WAIT ?? 20,
    pollAckTimeout: v.SSF_POLL_ACK_TIMEOUT ?? 60,
    pausedMaxEvents: v.SSF_PAUSED_MAX_EVENTS ?? 1000,
    eventRetention: v.SSF_EVENT_RETENTION ?? 7 * 86400,
    inactivityTimeout: v.SSF_INACTIVITY_TIMEOUT ?? 0,
  };
}
