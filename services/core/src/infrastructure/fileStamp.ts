import { statSync } from 'node:fs';

/**
 * What changes when a file (or a folder's entry list) is written: its size, modification
 * time and inode (a replace by rename is a new inode), or "absent". Readers that look
 * again and again compare stamps instead of reading the file.
 */
export function fileStamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  } catch {
    return 'absent';
  }
}
