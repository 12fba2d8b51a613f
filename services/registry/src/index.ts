/** The registry's public interface: other stages import from here only. */
export { archiveVersion, artifactPath, historyPath as registryHistoryPath, ModelRegistry, parseVersionReference, rollbackCandidate, promoteVersion, registerVersion, rollbackProduction, type RegisterInput, type VersionRecord } from './registryStore.ts';
export { productionAt, productionPeriods, rollbackTarget, type ProductionPeriod } from './registryStages.ts';
export type { HistoryEntry, MoveContext, Stage, VersionMetadata } from './registryTypes.ts';
