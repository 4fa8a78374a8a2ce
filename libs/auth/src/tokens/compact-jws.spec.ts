import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { compactSigner } from './compact-jws';

describe('compactSigner', () => {
  it.each(['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'])('signs %s tokens that jose verifies', async (alg) => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
    const sign = compactSigner(await exportJWK(privateKey), alg)!;
    expect(sign).toBeDefined();
    const token = sign({ alg, kid: 'k1', typ: 'at+jwt' }, { sub: 'u1', iss: 'https://issuer.example', exp: Math.floor(Date.now() / 1000) + 60 });
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, { issuer: 'https://issuer.example', algorithms: [alg], typ: 'at+jwt' });
    expect(payload.sub).toBe('u1');
    expect(protectedHeader).toEqual({ alg, kid: 'k1', typ: 'at+jwt' });
  });

  it('signs with the key it was given: another key\'s public half does not verify', async () => {
    const signer = await generateKeyPair('ES256', { extractable: true });
    const other = await generateKeyPair('ES256', { extractable: true });
    const token = compactSigner(await exportJWK(signer.privateKey), 'ES256')!({ alg: 'ES256' }, { sub: 'u1' });
    await expect(jwtVerify(token, signer.publicKey)).resolves.toBeDefined();
    await expect(jwtVerify(token, other.publicKey)).rejects.toThrow();
  });

  it('leaves algorithms it does not know to jose', () => {
    expect(compactSigner({ kty: 'oct', k: 'c2VjcmV0' }, 'HS256')).toBeUndefined();
  });
});
