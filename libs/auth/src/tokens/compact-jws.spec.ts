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

  it('a tampered token does not verify', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const token = compactSigner(await exportJWK(privateKey), 'ES256')!({ alg: 'ES256' }, { sub: 'u1' });
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url')}.${s}`;
    await expect(jwtVerify(forged, publicKey)).rejects.toThrow();
  });

  it('leaves algorithms it does not know to jose', () => {
    expect(compactSigner({ kty: 'oct', k: 'c2VjcmV0' }, 'HS256')).toBeUndefined();
  });
});
