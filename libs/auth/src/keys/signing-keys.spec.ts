import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, MIN_RSA_MODULUS_BITS, readSigningKeyFile, rsaModulusBits } from './signing-keys';

describe('signing keys', () => {
  it('generates RS256 keys of at least 2048 bits and ES256 keys on P-256, published without their private members', async () => {
    const rsa = await generateSigningKey('RS256');
    expect(rsaModulusBits(rsa.privateJwk)).toBeGreaterThanOrEqual(2048);
    expect(rsa.publicJwk).toEqual({ kty: 'RSA', n: rsa.privateJwk.n, e: 'AQAB', kid: rsa.kid, alg: 'RS256', use: 'sig' });
    const ec = await generateSigningKey('ES256');
    expect(ec.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
    expect(Object.keys(ec.publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(rsaModulusBits(ec.privateJwk)).toBeUndefined();
  });

  it('counts the bits of a modulus exactly', () => {
    for (const bits of [1024, 2048, 3072]) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      expect(rsaModulusBits(privateKey.export({ format: 'jwk' }))).toBe(bits);
    }
  });

  it('refuses an RSA key under 2048 bits in SIGNING_KEY_FILE, and takes a larger one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signing-file-'));
    try {
      const file = join(dir, 'keys.json');
      const jwk = (bits: number) => ({ ...generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'jwk' }), kid: `k${bits}`, alg: 'RS256' });
      writeFileSync(file, JSON.stringify({ keys: [jwk(1024)] }));
      await expect(readSigningKeyFile(file)).rejects.toThrow(`RSA key k1024 has 1024 bits; at least ${MIN_RSA_MODULUS_BITS} are needed`);
      writeFileSync(file, JSON.stringify({ keys: [jwk(3072)] }));
      expect(await readSigningKeyFile(file)).toEqual([expect.objectContaining({ kid: 'k3072', alg: 'RS256', active: true })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
