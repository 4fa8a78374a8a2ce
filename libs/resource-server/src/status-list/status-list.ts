import { constants, deflateSync, inflateSync } from 'node:zlib';

/**
 * Token Status List codec (draft-ietf-oauth-status-list, "Status List", §4). Dependency-free
 * (node:zlib only) so that an issuer can encode with the same code its resource servers decode with.
 */

/** Bits per Referenced Token: 1, 2, 4 or 8 (§4.1 step 1), so one status never spans two bytes. */
export type StatusListBits = 1 | 2 | 4 | 8;

/** The JSON `StatusList` structure (§4.2), as carried in a Status List Token's `status_list` claim. */
export interface EncodedStatusList {
  bits: StatusListBits;
  /** base64url (no padding) of the DEFLATE/ZLIB-compressed byte array. */
  lst: string;
}

/** A decompressed list: read it with statusAt. */
export interface DecodedStatusList {
  readonly bits: StatusListBits;
  readonly bytes: Uint8Array;
  /** How many indices the byte array holds: bytes.length × 8 / bits. */
  readonly size: number;
}

/** The registered Status Types (§7.1); the rest of 0–255 is reserved or application-specific. */
export const StatusType = { VALID: 0x00, INVALID: 0x01, SUSPENDED: 0x02 } as const;

/** The default decompressed size limit: 16 MiB holds 2^27 one-bit statuses, and stops a DEFLATE bomb. */
export const DEFAULT_MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024;

const BASE64URL_NO_PADDING = /^[A-Za-z0-9_-]*$/;

export function isStatusListBits(bits: unknown): bits is StatusListBits {
  return bits === 1 || bits === 2 || bits === 4 || bits === 8;
}

/**
 * Packs one status per index, least significant bits first (§4.1 step 3), and compresses the
 * bytes with DEFLATE in the ZLIB format at the highest level (§4.1 step 4). The byte array is
 * as short as the statuses allow; pad the input to a multiple of 8 / bits to hide the count.
 */
export function encodeStatusList(statuses: Uint8Array | readonly number[], bits: StatusListBits): EncodedStatusList {
  if (!isStatusListBits(bits)) throw new RangeError(`bits must be 1, 2, 4 or 8, got ${String(bits)}`);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const bytes = new Uint8Array(Math.ceil(statuses.length / perByte));
  // Integer arithmetic only in the loop, which runs once per index (a million for the draft's vectors).
  for (let idx = 0; idx < statuses.length; idx++) {
    const status = statuses[idx];
    // Fractions, negatives, NaN and values over the mask all change under `& mask`.
    if ((status & mask) !== status) throw new RangeError(`status[${idx}] = ${status} does not fit in ${bits} bit(s)`);
    const slot = idx % perByte;
    bytes[(idx - slot) / perByte] |= status << (slot * bits);
  }
  const lst = deflateSync(bytes, { level: constants.Z_BEST_COMPRESSION }).toString('base64url');
  return { bits, lst };
}

/**
 * Decompresses a `StatusList` (§4.2). zlib checks the header and the Adler-32 checksum; the
 * output is capped at `maxBytes` so a small `lst` cannot inflate into gigabytes.
 */
export function decodeStatusList(list: { bits: unknown; lst: unknown }, maxBytes = DEFAULT_MAX_STATUS_LIST_BYTES): DecodedStatusList {
  const { bits, lst } = list;
  if (!isStatusListBits(bits)) throw new TypeError(`status_list.bits must be 1, 2, 4 or 8, got ${String(bits)}`);
  if (typeof lst !== 'string' || !BASE64URL_NO_PADDING.test(lst)) throw new TypeError('status_list.lst must be a base64url string without padding');
  let bytes: Buffer;
  try {
    bytes = inflateSync(Buffer.from(lst, 'base64url'), { maxOutputLength: maxBytes });
  } catch (cause) {
    throw new TypeError('status_list.lst is not a ZLIB stream within the size limit', { cause });
  }
  return { bits, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), size: (bytes.length * 8) / bits };
}

/**
 * The status at `idx`. An index outside the list says nothing about the token, which must then
 * be rejected (§8.3 step 4): so this throws a RangeError rather than answering VALID.
 */
export function statusAt(list: DecodedStatusList, idx: number): number {
  // `% 1` rules out fractions, NaN and Infinity; the size bound keeps the index a safe integer.
  if (typeof idx !== 'number' || idx % 1 !== 0 || idx < 0 || idx >= list.size) throw new RangeError(`index ${idx} is outside the status list (size ${list.size})`);
  const perByte = 8 / list.bits;
  const slot = idx % perByte;
  return (list.bytes[(idx - slot) / perByte] >> (slot * list.bits)) & ((1 << list.bits) - 1);
}
