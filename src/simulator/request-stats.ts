import type { RequestFault } from './faults';

/** Counts of /api requests, per endpoint, per response status and per injected fault, for benchmarks and tests. */
export interface RequestStatsSnapshot {
  total: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  /** Requests answered with an injected fault (a hung request still ends with its normal status). */
  byFault: Partial<Record<RequestFault, number>>;
}

const empty = (): RequestStatsSnapshot => ({ total: 0, byEndpoint: {}, byStatus: {}, byFault: {} });

export class RequestStats {
  private stats = empty();

  countRequest(endpoint: string): void {
    this.stats.total++;
    this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
  }

  countResponse(statusCode: number): void {
    this.stats.byStatus[statusCode] = (this.stats.byStatus[statusCode] ?? 0) + 1;
  }

  countFault(fault: RequestFault): void {
    this.stats.byFault[fault] = (this.stats.byFault[fault] ?? 0) + 1;
  }

  snapshot(): RequestStatsSnapshot {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = empty();
  }
}
