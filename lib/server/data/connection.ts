import 'server-only';
import { db } from '../db';

/**
 * Closes this process's database pool. Scripts call it when they are done, so Node can exit without waiting for
 * idle connections; it is the only piece of the client they need, so they never import the client itself.
 */
export async function disconnectDatabase(): Promise<void> {
  await db.$disconnect();
}
