import { LRUCache } from 'lru-cache';
import { decode, type JWT, type JWTDecodeParams } from 'next-auth/jwt';

/**
 * next-auth's JWT decode with a memo of recently seen session tokens. Decoding a session cookie derives the
 * encryption key (HKDF) and decrypts the JWE on every request — about a tenth of the CPU of a cached For You
 * request. The decoded payload of a given token string never changes, so it is remembered until the token's own
 * expiry; an expired token is decoded again (and rejected by next-auth). Nothing else is trusted from the memo:
 * callers still re-read the user from the database.
 *
 * No `server-only` import: proxy.ts uses it too.
 */
const memo = new LRUCache<string, { secret: JWTDecodeParams['secret']; salt: string | undefined; payload: JWT }>({
  max: 20_000,
});

/** Same contract as next-auth's `decode`: the payload, or null for a missing token; throws on a forged one. */
export async function decodeSessionToken(params: JWTDecodeParams): Promise<JWT | null> {
  const { token } = params;
  if (!token) return null;
  const now = Date.now() / 1000;
  const known = memo.get(token);
  // Only a hit decoded with the same secret and salt counts (tests and key rotation may use several).
  if (known && known.secret === params.secret && known.salt === params.salt && (known.payload.exp as number) > now)
    return known.payload;
  const payload = await decode(params);
  if (payload && typeof payload.exp === 'number' && payload.exp > now) {
    memo.set(
      token,
      { secret: params.secret, salt: params.salt, payload },
      { ttl: Math.max(1, Math.floor((payload.exp - now) * 1000)) },
    );
  }
  return payload;
}
