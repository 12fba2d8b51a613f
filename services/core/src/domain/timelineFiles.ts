/**
 * The loop over time's files that a reader outside the watcher looks for (the dashboard):
 * the watcher's log of its windows in its directory, and a replay's timeline in each
 * replay's folder. Both hold one window record a line (the watcher's window schema).
 */
export const WATCH_WINDOWS_FILE = 'windows.jsonl';
export const REPLAY_TIMELINE_FILE = 'timeline.jsonl';
