import type { OutboundUrlPolicy } from '@app/common';

/** The client settings that are URLs this server connects to. */
export const OUTBOUND_URI_MEMBERS = ['jwks_uri', 'backchannel_logout_uri', 'caep_receiver_uri'] as const;

type OutboundUris = Partial<Record<(typeof OUTBOUND_URI_MEMBERS)[number], string | null>>;

/**
 * The outbound URL policy's problems with a validated client's URLs, each with its JSON path
 * (`clients[0].jwks_uri: must …` with `path` `clients[0].`). Apart from the DTO's own checks
 * because the policy is configuration, which a DTO decorator cannot reach.
 */
export function outboundUriProblems(settings: OutboundUris, policy: OutboundUrlPolicy, path = ''): string[] {
  const problems: string[] = [];
  for (const member of OUTBOUND_URI_MEMBERS) {
    const value = settings[member];
    const problem = typeof value === 'string' ? policy.problem(value) : null;
    if (problem) problems.push(`${path}${member}: ${problem}`);
  }
  return problems;
}
