import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStore, type Store } from '../../server/store/store.ts';

/** A fresh SQLite file in its own temp dir, real migrations; `cleanup()` closes and deletes it. */
export function createTempStore(prefix = 'brinkwatch-test-'): { store: Store; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const store = createStore(path.join(dir, 'test.db'));
  return {
    store,
    dir,
    cleanup: () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
