// Worker entry: registers tsx's loader inside this worker thread, then loads the TypeScript worker.
// (Loader flags of the parent are not applied to workers, under tsx or vitest alike.)
import { register } from 'tsx/esm/api';

register();
await import('./als-worker.ts');
