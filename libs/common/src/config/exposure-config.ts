import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { list, toBool } from './environment-variables';
import { validateConfig } from './validate-config';

/** Swagger UI and the OpenAPI document (/docs, /docs-json). */
export interface DocsConfig {
  /** Serve them; off, both answer 404 like any unknown path. */
  enabled: boolean;
}

/** Who may introspect which token (RFC 7662 §2.2, §4). */
export interface IntrospectionConfig {
  /**
   * `any`: every authenticated client may introspect every token (RFC 7662's default, what most
   * providers do). `restricted`: a client learns about a token only when it is the token's own
   * client, its client id is in the token's `aud`, or it is one of `clients`; any other token is
   * answered `{"active":false}`, as the RFC requires for a token the caller may not see.
   */
  policy: 'any' | 'restricted';
  /** Client ids (resource servers) that may introspect every token under `restricted`. */
  clients: string[];
}

/** DOCS_ENABLED, INTROSPECTION_POLICY and INTROSPECTION_CLIENTS: what the server shows, and to whom. */
export class ExposureEnvironmentVariables {
  @IsOptional() @IsBoolean({ message: 'DOCS_ENABLED must be true or false' }) @Transform(({ value }) => toBool(value))
  DOCS_ENABLED?: boolean;

  @IsOptional() @IsIn(['any', 'restricted'], { message: 'INTROSPECTION_POLICY must be any or restricted' })
  INTROSPECTION_POLICY?: 'any' | 'restricted';

  @IsOptional() @Matches(/^\s*[^\s,]+(\s*,\s*[^\s,]+)*\s*$/, { message: 'INTROSPECTION_CLIENTS must be a comma-separated list of client ids' })
  INTROSPECTION_CLIENTS?: string;
}

export function exposureConfig(env: Record<string, string | undefined>): { docs: DocsConfig; introspection: IntrospectionConfig } {
  const v = validateConfig(env, ExposureEnvironmentVariables);
  return {
    docs: { enabled: v.DOCS_ENABLED ?? true },
    introspection: { policy: v.INTROSPECTION_POLICY ?? 'any', clients: list(v.INTROSPECTION_CLIENTS) ?? [] },
  };
}
