import { fileStamp } from '../../../core/src/infrastructure/fileStamp.ts';

/** A file (or folder) whose change the feed announces, by a name the page knows. */
export interface WatchedFile {
  name: string;
  path: string;
}

/** The names whose signature differs between two looks. Pure. */
export function changedNames(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}

/**
 * Tells listeners which of the dashboard's files changed: it looks at their stamps (size,
 * modification time, inode) every interval, and only while someone listens, so an API nobody
 * watches does no work for it. Polling a handful of stat calls, not fs.watch: the writers
 * replace files by rename and fs.watch loses a watched file at its first replacement on
 * some platforms. The list of files is asked for at each look (the newest replay can change).
 */
export class ChangeFeed {
  private readonly listeners = new Map<(names: string[]) => void, () => void>();
  private timer: NodeJS.Timeout | undefined;
  private last = new Map<string, string>();

  constructor(private readonly files: () => WatchedFile[], private readonly intervalMs: number) {}

  /**
   * Start hearing about changes; the returned function stops it. `ended` is called if the
   * feed closes first (the server is stopping), so the listener's stream can end.
   */
  subscribe(listener: (names: string[]) => void, ended: () => void): () => void {
    if (this.listeners.size === 0) {
      this.last = this.look();
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
    this.listeners.set(listener, ended);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopLooking();
    };
  }

  /** End every listener's stream: a server that stops cannot wait for streams that never end. */
  close(): void {
    const ends = [...this.listeners.values()];
    this.listeners.clear();
    this.stopLooking();
    for (const end of ends) end();
  }

  private stopLooking(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private look(): Map<string, string> {
    const seen = new Map<string, string>();
    for (const file of this.files()) seen.set(file.name, `${file.path}=${fileStamp(file.path)}`);
    return seen;
  }

  private tick(): void {
    let now: Map<string, string>;
    try {
      now = this.look();
    } catch {
      return; // a folder vanished between two calls: the next look sees the settled state
    }
    const changed = changedNames(this.last, now);
    this.last = now;
    if (changed.length === 0) return;
    for (const listener of this.listeners.keys()) listener(changed);
  }
}
