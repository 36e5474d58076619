import { encode } from 'next-auth/jwt';
import { describe, expect, it, vi } from 'vitest';
import { decodeSessionToken } from './session-token';

const secret = 'unit-test-secret-0123456789abcdef0123456789';

describe('decodeSessionToken', () => {
  it('returns the payload next-auth encoded, and the same object again from its memo', async () => {
    const token = await encode({ token: { sub: '42', role: 'USER' }, secret });
    const first = await decodeSessionToken({ token, secret });
    expect(first?.sub).toBe('42');
    expect(first?.role).toBe('USER');
    expect(await decodeSessionToken({ token, secret })).toBe(first);
  });

  it('returns null for a missing token and throws for a forged or altered one', async () => {
    expect(await decodeSessionToken({ token: undefined, secret })).toBeNull();
    const token = await encode({ token: { sub: '7' }, secret });
    await expect(decodeSessionToken({ token: `${token.slice(0, -4)}AAAA`, secret })).rejects.toThrow();
  });

  it('does not serve a memoised payload to a caller with another secret', async () => {
    const token = await encode({ token: { sub: '9' }, secret });
    expect((await decodeSessionToken({ token, secret }))?.sub).toBe('9');
    await expect(decodeSessionToken({ token, secret: `${secret}-rotated` })).rejects.toThrow();
  });

  it('stops serving a memoised payload once the token has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const token = await encode({ token: { sub: '5' }, secret, maxAge: 60 });
      expect((await decodeSessionToken({ token, secret }))?.sub).toBe('5');
      vi.setSystemTime(Date.now() + 120_000);
      await expect(decodeSessionToken({ token, secret })).rejects.toThrow(/exp/);
    } finally {
      vi.useRealTimers();
    }
  });
});
