import { spawnCsvReadWorker } from '../../core/src/infrastructure/csv/parallelCsvRead.ts';

// The thread that reads the reference boots (about 0.1 s) while this one loads the monitor,
// rather than after it: this entry imports nothing else before starting it.
const referenceReader = spawnCsvReadWorker();
const { runMonitorCommand } = await import('./monitorCommand.ts');
await runMonitorCommand(referenceReader);
