import { CardGridSkeleton } from '@/components/skeletons';

export default function Loading() {
  return <CardGridSkeleton label="Loading your picks…" />;
}
