import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a state file holds: one store, or every account of an emulator (AccountRegistry). */
export interface Persistable {
  readonly changes: number;
  onChange(listener: () => void): () => void;
  toJSON(): unknown;
  load(json: unknown): void;
}

/**
 * `--state FILE`: loads the file at start (if it exists) and writes the whole store after
 * changes, debounced, as a temp file renamed over the old one so a crash never leaves half a file.
 */
export interface StateFile {
  flush(): void;
  close(): void;
}

export function attachStateFile(store: Persistable, file: string, debounceMs = 100): StateFile {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined && text.trim() !== '') store.load(JSON.parse(text));

  let written = -1;
  let lastWriteMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (written === store.changes) return;
    written = store.changes;
    const started = performance.now();
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(store.toJSON()));
    renameSync(temp, file);
    lastWriteMs = performance.now() - started;
  };
  // A big state takes a while to write: wait at least twice as long as the last write took, so
  // a busy emulator spends most of its time serving, not saving.
  const unsubscribe = store.onChange(() => {
    if (!timer) timer = setTimeout(flush, Math.max(debounceMs, 2 * lastWriteMs));
  });
  return {
    flush,
    close() {
      unsubscribe();
      flush();
    },
  };
}
