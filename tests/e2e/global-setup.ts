// Starts Reel once per database mode for the whole e2e run (each start builds when needed, imports the demo
// catalogue and trains the first model, which takes minutes), shares them with every test file through
// inject('reelServers'), and stops both process groups at the end, also when a start fails.
import type { TestProject } from 'vitest/node';
import { E2E_MODES, startReel, type ReelServer } from './reel-server';

export default async function setup(project: TestProject) {
  const servers: ReelServer[] = [];
  const stopAll = async () => {
    for (const s of servers.splice(0)) await s.stop();
  };
  try {
    // One after the other: both would otherwise run `next build` into the same .next folder.
    // E2E_MODES=embedded (or server) starts only one; files of the other mode then start their own server.
    for (const mode of E2E_MODES) {
      const t0 = performance.now();
      const server = await startReel(mode);
      servers.push(server);
      console.log(
        `[e2e] ${mode} database: Reel answers at ${server.baseUrl} after ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  project.provide(
    'reelServers',
    Object.fromEntries(
      servers.map((s) => [
        s.mode,
        { baseUrl: s.baseUrl, demoPassword: s.demoPassword, adminPassword: s.adminPassword },
      ]),
    ),
  );
  return stopAll;
}
