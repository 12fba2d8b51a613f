/** The registry's public interface: other stages import from here only. */
export { ModelRegistry, parseVersionReference, promoteVersion, registerVersion, rollbackProduction, type RegisterInput, type VersionRecord } from './registryStore.ts';
export { productionAt } from './registryStages.ts';
export type { HistoryEntry, MoveContext, Stage, VersionMetadata } from './registryTypes.ts';
