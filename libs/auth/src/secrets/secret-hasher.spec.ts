import { generateSecret, hashClientSecret, hashSecret, isFastHash, looksGenerated, needsFastHash, verifySecret } from './secret-hasher';

describe('secret hashing', () => {
  it('tells generated secrets from chosen ones', () => {
    for (let i = 0; i < 200; i++) expect(looksGenerated(generateSecret())).toBe(true);
    expect(looksGenerated('Zq3-xY9_kLm2PqR7sT1uV4wX6yZ8aB0cD5eF7gH9iJk')).toBe(true);
    for (const chosen of [
      'short-Secret-1',
      'correcthorsebatterystaplecorrecthorsebatterystaple', // one case, no digit
      'Password1Password1Password1Password1Password1', // few distinct characters
      'Zq3-xY9_kLm2PqR7sT1uV4wX6yZ8aB0cD5eF7gH9iJk!', // a character outside base64url keeps scrypt
      'Zq3 xY9_kLm2PqR7sT1uV4wX6yZ8aB0cD5eF7gH9iJk',
    ]) expect(looksGenerated(chosen)).toBe(false);
  });

  it('stores a generated client secret in the fast format and a chosen one with scrypt; both verify, and only the right secret', async () => {
    const generated = generateSecret();
    const fast = await hashClientSecret(generated);
    expect(fast).toMatch(/^sha256\$[A-Za-z0-9_-]{43}$/);
    expect(isFastHash(fast)).toBe(true);
    expect(await verifySecret(generated, fast)).toBe(true);
    expect(await verifySecret(`${generated.slice(0, -1)}A`, fast)).toBe(generated.endsWith('A'));
    expect(await verifySecret(generateSecret(), fast)).toBe(false);

    const chosen = await hashClientSecret('a-chosen-secret');
    expect(chosen).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifySecret('a-chosen-secret', chosen)).toBe(true);
    expect(await verifySecret('a-chosen-secreT', chosen)).toBe(false);
  });

  it('keeps passwords on scrypt, whatever they look like, and names the scrypt hashes of generated-looking secrets for an upgrade', async () => {
    const generated = generateSecret();
    const password = await hashSecret(generated);
    expect(password).toMatch(/^scrypt\$/);
    expect(await verifySecret(generated, password)).toBe(true);
    expect(needsFastHash(generated, password)).toBe(true);
    expect(needsFastHash('a-chosen-secret', await hashSecret('a-chosen-secret'))).toBe(false);
    expect(needsFastHash(generated, await hashClientSecret(generated))).toBe(false);
  });

  it('refuses malformed hashes', async () => {
    for (const stored of [null, '', 'sha256$', 'plain', 'scrypt$1$1$1$x', 'scrypt$2097152$8$1$AAAA$AAAA']) expect(await verifySecret('x', stored)).toBe(false);
  });
});
