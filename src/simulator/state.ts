/** Everything a running simulator holds, with the operations the admin API and in-process callers share. */
import { AttendanceStore, type AttendanceSnapshot, type PostAttendanceCall } from './attendance';
import { describeIssues, type Dataset } from './dataset';
import { DatasetIndex } from './dataset-index';
import { badRequest } from './errors';
import { FaultInjector, faultSettingsSchema, type FaultSettings, type FaultSettingsInput } from './faults';
import { applyMutation, mutationSchema, type Mutation } from './mutations';
import { RequestStats, type RequestStatsSnapshot } from './request-stats';
import { TokenStore } from './tokens';

export interface SimulatorStateOptions {
  tokenTtlSeconds: number;
  faults?: FaultSettingsInput;
}

function parseFaultSettings(settings: FaultSettingsInput): FaultSettings {
  const parsed = faultSettingsSchema.safeParse(settings);
  if (!parsed.success) throw badRequest(`invalid fault settings:\n${describeIssues(parsed.error, settings)}`);
  return parsed.data;
}

export class SimulatorState {
  /** Rebuilt whenever the dataset changes; request handlers always read the current one. */
  index: DatasetIndex;
  readonly attendance = new AttendanceStore();
  readonly stats = new RequestStats();
  readonly faults: FaultInjector;
  readonly tokens: TokenStore;

  /** The state owns `dataset`: mutations change it in place. */
  constructor(dataset: Dataset, options: SimulatorStateOptions) {
    this.index = new DatasetIndex(dataset);
    this.faults = new FaultInjector(parseFaultSettings(options.faults ?? {}));
    this.tokens = new TokenStore(options.tokenTtlSeconds);
  }

  get dataset(): Dataset {
    return this.index.dataset;
  }

  replaceDataset(dataset: Dataset): void {
    this.index = new DatasetIndex(dataset);
  }

  /** Validates and applies a mutation; throws a SimulatorError (400/404/409) when it cannot. */
  mutate(mutation: Mutation, now = new Date()): void {
    const parsed = mutationSchema.safeParse(mutation);
    if (!parsed.success) throw badRequest(`invalid mutation:\n${describeIssues(parsed.error, mutation)}`);
    applyMutation(this.index, parsed.data, now);
    this.index = new DatasetIndex(this.index.dataset);
  }

  getFaults(): FaultSettings {
    return this.faults.settings;
  }

  /** Replaces all fault settings (omitted ones return to their defaults); throws a 400 SimulatorError when invalid. */
  setFaults(settings: FaultSettingsInput): void {
    this.faults.configure(parseFaultSettings(settings));
  }

  getAttendance(): AttendanceSnapshot {
    return this.attendance.snapshot();
  }

  getCalls(): PostAttendanceCall[] {
    return this.attendance.callLog();
  }

  getStats(): RequestStatsSnapshot {
    return this.stats.snapshot();
  }

  resetStats(): void {
    this.stats.reset();
  }

  revokeTokens(): void {
    this.tokens.revokeAll();
  }
}
