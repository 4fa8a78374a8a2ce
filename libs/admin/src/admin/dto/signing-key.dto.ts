import { ApiProperty } from '@nestjs/swagger';
import { SIGNING_ALGORITHMS, type SigningKeyInfo } from '@app/auth';

/** A signing key as the admin API and the CLI show it (never its private part). */
export class SigningKeyViewDto {
  @ApiProperty({ description: 'Key id, the JWK thumbprint (RFC 7638); the `kid` of the tokens it signs' }) kid: string;
  @ApiProperty({ enum: SIGNING_ALGORITHMS }) alg: string;
  @ApiProperty({ enum: ['active', 'retired'], description: 'active: signs new tokens; retired: rotated out, still in /jwks until published_until' }) state: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) retired_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When a retired key leaves /jwks: once every token it signed has expired' }) published_until: string | null;
}

export function toSigningKeyView(k: SigningKeyInfo): SigningKeyViewDto {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { kid: k.kid, alg: k.alg, state: k.state, created_at: new Date(k.createdAt).toISOString(), retired_at: iso(k.retiredAt), published_until: iso(k.publishedUntil) };
}
