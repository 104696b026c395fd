/** Generated terms and sessions, all placed relative to the anchor date so the data is always current. */
import type { Term, TermSession } from '../campus-cloud/schemas';
import { addDays, mondayOnOrBefore } from './calendar';
import type { GenerateContext } from './generate-context';

export interface GeneratedTerms {
  terms: Term[];
  sessions: TermSession[];
  /** The two half-term sessions of the current term, which regular sections run in. */
  currentHalves: [TermSession, TermSession];
  /** The single session of the year-long clinical term, which the externship runs in. */
  clinicalYear: TermSession;
}

const MONTHS = 'January February March April May June July August September October November December'.split(
  ' ',
);
const TERM_DAYS = 16 * 7;

function monthYear(date: string): string {
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/**
 * The current 16-week term runs from the Monday on or before anchor - 6 weeks (so about anchor + 10
 * weeks at the end), with the previous and next terms around it. A 52-week clinical term starts 30
 * weeks before the anchor so its meetings always cross both daylight-saving changes.
 */
export function generateTerms(ctx: GenerateContext): GeneratedTerms {
  const terms: Term[] = [];
  const sessions: TermSession[] = [];
  const addTerm = (code: string, name: string, startDate: string, days: number, sessionNames: string[]) => {
    const term: Term = {
      termId: ctx.nextId('term'),
      code,
      name,
      startDate,
      endDate: addDays(startDate, days - 1),
    };
    terms.push(term);
    const sessionDays = days / sessionNames.length;
    return sessionNames.map((sessionName, index) => {
      const start = addDays(startDate, index * sessionDays);
      const session: TermSession = {
        sessionId: ctx.nextId('session'),
        termId: term.termId,
        name: sessionName,
        startDate: start,
        endDate: addDays(start, sessionDays - 1),
      };
      sessions.push(session);
      return session;
    });
  };
  const regular = (startDate: string) =>
    addTerm(startDate.slice(0, 7).replace('-', ''), `${monthYear(startDate)} Term`, startDate, TERM_DAYS, [
      'Session A',
      'Session B',
    ]);

  const clinicalStart = mondayOnOrBefore(addDays(ctx.anchor, -30 * 7));
  const [clinicalYear] = addTerm(
    `CLIN${clinicalStart.slice(0, 7).replace('-', '')}`,
    `Clinical Year from ${monthYear(clinicalStart)}`,
    clinicalStart,
    52 * 7,
    ['Clinical Year'],
  );
  const currentStart = mondayOnOrBefore(addDays(ctx.anchor, -6 * 7));
  regular(addDays(currentStart, -TERM_DAYS - 7));
  const [first, second] = regular(currentStart);
  regular(addDays(currentStart, TERM_DAYS + 7));
  return { terms, sessions, currentHalves: [first!, second!], clinicalYear: clinicalYear! };
}
