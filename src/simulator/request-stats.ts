/** Counts of /api requests, per endpoint and per response status, for benchmarks and tests. */
export interface RequestStatsSnapshot {
  total: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
}

export class RequestStats {
  private stats: RequestStatsSnapshot = { total: 0, byEndpoint: {}, byStatus: {} };

  countRequest(endpoint: string): void {
    this.stats.total++;
    this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
  }

  countResponse(statusCode: number): void {
    this.stats.byStatus[statusCode] = (this.stats.byStatus[statusCode] ?? 0) + 1;
  }

  snapshot(): RequestStatsSnapshot {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = { total: 0, byEndpoint: {}, byStatus: {} };
  }
}
