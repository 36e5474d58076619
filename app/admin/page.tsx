import { notFound, redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { getAdminStatus } from '@/lib/server/services/admin-status';
import { AdminDashboard } from './admin-dashboard';
import { WorkerStatus } from './worker-status';
import { getWorkerStatus } from '@/lib/server/data/worker-heartbeat';

export const metadata = { title: 'Admin' };

export default async function AdminPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/admin');
  if (user.role !== 'ADMIN') notFound();
  return (
    <>
      <h1>Admin</h1>
      <p className="muted">
        Model versions with their validation metrics, retraining and rollback, and catalogue reloads.
      </p>
      <WorkerStatus initial={await getWorkerStatus()} />
      <AdminDashboard initial={await getAdminStatus()} />
    </>
  );
}
