import { DetailSkeleton } from '@/components/skeletons';

export default function Loading() {
  return <DetailSkeleton />;
}
