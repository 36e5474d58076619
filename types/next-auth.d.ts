import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  interface Session {
    user?: { id: number; name?: string | null; email?: string | null; image?: string | null; role: 'USER' | 'ADMIN' };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    role?: 'USER' | 'ADMIN';
    /** The member's session version when this token was minted (lib/server/auth.ts). */
    sv?: number;
    /** This session's id, for sign-out. */
    sid?: string;
  }
}
