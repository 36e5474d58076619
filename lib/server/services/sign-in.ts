import 'server-only';
import { verifyCredentials, type SessionUser } from '../data/users';
import { authLimiters, consumeAll, throttleKey, type AuthLimiters } from '../throttle';

/**
 * Email + password sign-in with throttling: the attempt is counted against the account and the IP first (so the
 * 11th attempt within 15 minutes is refused without checking the password, and parallel guesses cannot race past
 * the count), then the password is checked, taking the same time for unknown emails. Throws ThrottledError.
 */
export async function signInWithPassword(
  email: string,
  password: string,
  ip: string,
  limiters: AuthLimiters = authLimiters(),
): Promise<SessionUser | null> {
  const account = throttleKey(email);
  await consumeAll([
    [limiters.signInAccount, account],
    [limiters.signInIp, ip],
  ]);
  const user = await verifyCredentials(email, password);
  if (user) {
    // A success clears the account's failures and gives the IP its point back: only failures add up.
    await limiters.signInAccount.delete(account);
    await limiters.signInIp.reward(ip, 1);
  }
  return user;
}

/** Counts a sign-up attempt against the IP; throws ThrottledError when it has made too many this hour. */
export async function countSignUpAttempt(ip: string, limiters: AuthLimiters = authLimiters()): Promise<void> {
  await consumeAll([[limiters.signUpIp, ip]]);
}
