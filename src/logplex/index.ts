/** Logplex: what the host agent imports (see src/logplex/README.md). */
export { systemMicroClock, type MicroClock } from './clock.js';
export { DrainManager, type DrainManagerOptions } from './drain-manager.js';
export type { DrainInfo, DrainStats, DrainTuning } from './drain.js';
export { parseDrainUrl, redactDrainUrl, type DrainTarget } from './drain-url.js';
export { LogChannels, type LogChannelsOptions, type LogEntry, type LogInput, type LogListener } from './log-channels.js';
export { createLogSessionServer } from './log-session-server.js';
export { LogSessions, type IssuedSession, type LogSessionRequest, type LogSessionsOptions } from './log-sessions.js';
export { formatRuntimeMetrics, type RuntimeSample } from './runtime-metrics.js';
