// A credentials file of many IAM user key pairs (profiles k0000, k0001, …), for the import kill test and bench.
// The keys are made up: the import saves them offline, nobody calls AWS with them.

/** `count` profiles with a key pair each: the file's text and each profile's pair. */
export function manyKeyPairs(count: number): {
  text: string;
  pairs: Array<{ profile: string; keyId: string; secret: string }>;
} {
  const pairs = Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(6, '0');
    return {
      profile: `k${n}`,
      keyId: `AKIAMANYKEYS${n}`,
      secret: `manyKeysFakeSecret/${n}/${'x'.repeat(14)}`,
    };
  });
  const text = pairs
    .map((p) => `[${p.profile}]\naws_access_key_id = ${p.keyId}\naws_secret_access_key = ${p.secret}\n`)
    .join('\n');
  return { text, pairs };
}
