/**
 * The loop over time's files that a reader outside the watcher looks for (the dashboard):
 * the watcher's log of its windows in its directory, and a replay's timeline in each
 * replay's folder. Both hold one window record a line (the watcher's window schema).
 */
export const WATCH_WINDOWS_FILE = 'windows.jsonl';
/** Each window's own files (its data, summary and report) sit in a folder of this name in the watcher's directory, one per window id. */
export const WATCH_WINDOW_FOLDERS = 'windows';
export const REPLAY_TIMELINE_FILE = 'timeline.jsonl';
