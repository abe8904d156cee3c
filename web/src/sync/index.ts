export { SyncEngine, NetworkError, HttpError } from './engine';
export type { SyncReport, SyncStatus, SyncState, SyncEngineOptions } from './engine';
export { uuid, sha256Hex } from './ids';
