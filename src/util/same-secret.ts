import { sha256Bytes } from './sha256';

/**
 * Whether a presented secret equals the expected one, in time that depends on neither: both are
 * hashed first (equal-length digests, whatever the inputs' lengths), then every byte is compared.
 */
export async function sameSecret(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256Bytes(presented), sha256Bytes(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
