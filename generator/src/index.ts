/** The generator's public interface: other parts (the replay) import from here only. */
export { generateTimeline, type TimelineMeta } from './generateTimeline.ts';
export { loadTimeline } from './timelineFile.ts';
