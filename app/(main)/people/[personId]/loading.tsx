import { CardGridSkeleton } from '@/components/skeletons';

export default function Loading() {
  return <CardGridSkeleton count={4} label="Loading the filmography…" />;
}
