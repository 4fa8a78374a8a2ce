import { invalidRequest, invalidTarget, resourceIndicatorProblem } from '@app/common';
import type { ClientEntity } from '@app/store';

/** At most this many `resource` parameters in one request. */
export const MAX_RESOURCE_PARAMS = 20;

/**
 * The `resource` parameters of a request (RFC 8707 §2): unlike every other OAuth parameter it
 * may repeat, so formParams, which refuses repeats, does not read it. Empty values count as
 * absent (RFC 6749 §3.1); duplicates are dropped.
 */
export function resourceParams(source: unknown): string[] {
  if (!source || typeof source !== 'object' || Array.isArray(source)) return [];
  const value = (source as Record<string, unknown>).resource;
  if (value === undefined) return [];
  const values = (Array.isArray(value) ? value : [value]) as unknown[];
  if (values.some((v) => typeof v !== 'string')) throw invalidRequest('Each resource parameter must be a string.');
  const given = [...new Set((values as string[]).filter((v) => v !== ''))];
  if (given.length > MAX_RESOURCE_PARAMS) throw invalidTarget(`At most ${MAX_RESOURCE_PARAMS} resource parameters are accepted.`);
  return given;
}

/** The resources asked for, each a well-formed URI registered for the client; invalid_target otherwise. */
export function requestedResources(client: Pick<ClientEntity, 'resources'>, asked: readonly string[]): string[] {
  for (const resource of asked) {
    const problem = resourceIndicatorProblem(resource);
    if (problem) throw invalidTarget(`A resource ${problem} (RFC 8707 §2).`);
    if (!client.resources.includes(resource)) throw invalidTarget(`The client is not registered for the resource ${resource}.`);
  }
  return [...asked];
}

/**
 * The resources of a token asked for under a grant (an authorization code or a refresh token,
 * RFC 8707 §2.2). A grant made with resources yields tokens for those or fewer, never others;
 * one made without lets the client ask for any resource registered for it. Nothing asked: the
 * grant's own. The client's registration narrows them again, as it does scopes: a resource removed
 * from the client is no longer minted, and a grant left with none of its resources is refused
 * rather than widened to the default audience.
 */
export function resourcesUnderGrant(client: Pick<ClientEntity, 'resources'>, grant: readonly string[] | null | undefined, asked: readonly string[]): string[] {
  const granted = grant ?? [];
  const requested = requestedResources(client, asked);
  if (requested.length > 0) {
    const outside = granted.length > 0 ? requested.find((r) => !granted.includes(r)) : undefined;
    if (outside) throw invalidTarget(`The resource ${outside} is not among those granted.`);
    return requested;
  }
  const kept = granted.filter((r) => client.resources.includes(r));
  if (granted.length > 0 && kept.length === 0) throw invalidTarget('The client is no longer registered for any resource of this grant.');
  return kept;
}

/**
 * The `aud` of an access token: the resources it was asked for, a string for one and an array
 * for several (RFC 7519 §4.1.3); none, the issuer, as every token had before resource indicators.
 */
export function audienceFor(resources: readonly string[], issuer: string): string | string[] {
  if (resources.length === 0) return issuer;
  return resources.length === 1 ? resources[0] : [...resources];
}
