/**
 * Every core and many machines (docs/scale.md): the worker pool behind `--jobs N`, user code run
 * isolated with time and memory limits, and shards (`--shard i/n`) merged into one run.
 */
export type { TaskContext, TaskFunction, TaskSpec, TaskOutcome, TaskFailure, FailureKind, ErrorData } from './task.js';
export { taskSeed } from './taskSeed.js';
export { defaultJobs, parseJobs, MAX_JOBS } from './jobs.js';
export { WorkerPool, withPool, processHeapLimitMb, type PoolOptions } from './workerPool.js';
export type { PoolProgress } from './progress.js';
export { TaskError, IsolationError, valueOf, failureLines } from './failure.js';
export { runIsolated, isolatedOutcome, isolationError, type IsolationOptions } from './isolate.js';
export { checkTask, runCheckById, runChecksByIds, CHECK_TASK_MODULE, type CheckSource, type CheckTaskArgs, type ChecksTaskArgs } from './checkTask.js';
export { trainTask, trainRun, trainKey, poolTrainFn, TRAIN_TASK_MODULE, type TrainTaskArgs } from './trainTask.js';
export { parseShard, shardOf, shardAssignment, MAX_SHARDS, type Shard } from './shard.js';
export { readShardFile, writeShardFile, shardFileText, SHARD_FORMAT, SHARD_FORMAT_VERSION, type ShardFile, type ShardRun, type StoredOutcome } from './shardFile.js';
export { runShard, shardFileOf } from './runShard.js';
export { mergeShards, findShardFiles, shardFileName, SHARD_SUFFIX, type MergedRun, type MergeOptions } from './merge.js';
export { writeFileAtomic } from './atomicWrite.js';
export { toExactJson, fromExactJson } from './exactJson.js';
