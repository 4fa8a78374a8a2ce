import { isPlainObject } from './decorators';

/**
 * RFC 7396 JSON Merge Patch (§2's MergePatch): members of the patch replace the target's,
 * objects merge member by member, and `null` removes a member. Neither argument is changed.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = applyMergePatch(result[name], value);
  }
  return result;
}

/** RFC 7396 §4's media type; PATCH routes of the admin API take it and application/json. */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json';
