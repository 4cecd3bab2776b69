/** dynalite ships no types: the part the sandbox uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** A LevelDB directory; in memory (memory-level) when omitted. */
    path?: string;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}
