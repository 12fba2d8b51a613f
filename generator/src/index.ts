/** The generator's public interface: other parts (the replay) import from here only. */
export { generateTimeline, type TimelineMeta } from './generateTimeline.ts';
export { loadTimeline } from './timelineFile.ts';
export { LABELS_FOLDER, labelsFile, TIMELINE_META_FILE, transactionsFile } from './timelineLayout.ts';
