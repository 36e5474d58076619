import 'server-only';
// Queueing only (the handler, with the planner and the writes, is member-import.ts).
import { failImportJob } from '../data/member-imports';
import { getBoss, MEMBER_IMPORT_QUEUE, type MemberImportJob } from './queue';

/** Sends the job of a preview already marked APPLYING; if the queue refuses it, the preview is confirmable again. */
export async function sendImportJob(memberImportId: number): Promise<void> {
  try {
    const boss = await getBoss();
    await boss.send(MEMBER_IMPORT_QUEUE, { memberImportId } satisfies MemberImportJob, { retryLimit: 0 });
  } catch (err) {
    await failImportJob(memberImportId, 'The job queue did not accept this import; nothing was written. Try again.');
    throw err;
  }
}
