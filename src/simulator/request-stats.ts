import type { RequestFault } from './faults';

/** Counts of /api requests, per endpoint, per response status and per injected fault, for benchmarks and tests. */
export interface RequestStatsSnapshot {
  total: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  /** Requests answered with an injected fault (a hung request still ends with its normal status). */
  byFault: Partial<Record<RequestFault, number>>;
  /** Requests received and not yet answered (or abandoned by the caller), now. */
  inFlight: number;
  /** The most requests in flight at once: what a school's request budget must bound. */
  peakInFlight: number;
  /**
   * The same per campus, for the requests that name one: by `campusId`, or by the section, user or
   * student they ask for. Terms, sessions, term schedules, catalog courses, Authenticate and
   * PostAttendance belong to no one campus and count in `peakInFlight` only.
   */
  peakInFlightByCampus: Record<string, number>;
}

const empty = (): RequestStatsSnapshot => ({
  total: 0,
  byEndpoint: {},
  byStatus: {},
  byFault: {},
  inFlight: 0,
  peakInFlight: 0,
  peakInFlightByCampus: {},
});

export class RequestStats {
  private stats = empty();
  /** Kept across resets: requests in flight during a reset still end. */
  private inFlight = 0;
  private readonly inFlightByCampus = new Map<string, number>();

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

  /** A request arrived; call the returned function once when it is answered or abandoned. */
  requestStarted(campusId: string | undefined): () => void {
    this.inFlight++;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
    if (campusId !== undefined) {
      const now = (this.inFlightByCampus.get(campusId) ?? 0) + 1;
      this.inFlightByCampus.set(campusId, now);
      this.stats.peakInFlightByCampus[campusId] = Math.max(
        this.stats.peakInFlightByCampus[campusId] ?? 0,
        now,
      );
    }
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
      if (campusId !== undefined)
        this.inFlightByCampus.set(campusId, this.inFlightByCampus.get(campusId)! - 1);
    };
  }

  snapshot(): RequestStatsSnapshot {
    return { ...structuredClone(this.stats), inFlight: this.inFlight };
  }

  /** Starts counting afresh; the peaks start from the requests in flight now. */
  reset(): void {
    this.stats = empty();
    this.stats.peakInFlight = this.inFlight;
    for (const [campusId, now] of this.inFlightByCampus)
      if (now > 0) this.stats.peakInFlightByCampus[campusId] = now;
  }
}
