import { ACCESS } from '../../../../libs/auth/src/index.js';
import { applyMove, movesFrom, QUERY_MOVES, QueryMoveRefused, type QueryStatus, rolesFor } from './query-lifecycle.js';

const query = (status: QueryStatus, reopenedCount = 0) => ({ status, reopenedCount });

function refusal(status: QueryStatus, move: (typeof QUERY_MOVES)[number]): QueryMoveRefused {
  try {
    applyMove(query(status), move);
  } catch (error) {
    if (error instanceof QueryMoveRefused) return error;
    throw error;
  }
  throw new Error(`${move} from ${status} was allowed`);
}

describe('data query lifecycle', () => {
  it('allows from each status exactly these moves', () => {
    expect(movesFrom('open')).toEqual(['answer', 'correct', 'comment', 'assign', 'cancel']);
    expect(movesFrom('answered')).toEqual(['correct', 'comment', 'assign', 'close', 'reopen', 'cancel']);
    expect(movesFrom('closed')).toEqual(['reopen']);
    expect(movesFrom('cancelled')).toEqual([]);
  });

  it('answers an open query (a response or a correction of the data), stamping answered_at', () => {
    expect(applyMove(query('open'), 'answer')).toEqual({ status: 'answered', reopenedCount: 0, kind: 'answer', stamps: ['answered_at'], clears: [] });
    expect(applyMove(query('open'), 'correct')).toEqual({ status: 'answered', reopenedCount: 0, kind: 'correction', stamps: ['answered_at'], clears: [] });
    expect(applyMove(query('answered'), 'correct').status).toBe('answered');
  });

  it('closes an answered query, stamping closed_at', () => {
    expect(applyMove(query('answered'), 'close')).toEqual({ status: 'closed', reopenedCount: 0, kind: 'close', stamps: ['closed_at'], clears: [] });
  });

  it('re-opens a closed or answered query: open again, reopened_count + 1, this round\'s answered_at and closed_at cleared', () => {
    expect(applyMove(query('closed', 2), 'reopen')).toEqual({ status: 'open', reopenedCount: 3, kind: 'reopen', stamps: [], clears: ['answered_at', 'closed_at'] });
    expect(applyMove(query('answered'), 'reopen')).toMatchObject({ status: 'open', reopenedCount: 1 });
  });

  it('cancels an open or answered query, stamping cancelled_at', () => {
    for (const status of ['open', 'answered'] as const) {
      expect(applyMove(query(status), 'cancel')).toEqual({ status: 'cancelled', reopenedCount: 0, kind: 'cancel', stamps: ['cancelled_at'], clears: [] });
    }
  });

  it('keeps the status on a comment or an assignment', () => {
    for (const status of ['open', 'answered'] as const) {
      expect(applyMove(query(status, 1), 'comment')).toEqual({ status, reopenedCount: 1, kind: 'comment', stamps: [], clears: [] });
      expect(applyMove(query(status), 'assign')).toMatchObject({ status, kind: 'assign' });
    }
  });

  it('refuses every other move, naming the current status and the moves allowed from it', () => {
    const refused: Array<[QueryStatus, (typeof QUERY_MOVES)[number]]> = [];
    for (const status of ['open', 'answered', 'closed', 'cancelled'] as const) {
      for (const move of QUERY_MOVES) if (!movesFrom(status).includes(move)) refused.push([status, move]);
    }
    expect(refused).toHaveLength(4 * QUERY_MOVES.length - 12);
    for (const [status, move] of refused) {
      const error = refusal(status, move);
      expect({ status: error.status, move: error.move, allowed: error.allowed }).toEqual({ status, move, allowed: movesFrom(status) });
    }
    expect(refusal('open', 'close').message).toBe(
      "The query is open: it cannot take 'close'; from open the allowed moves are: answer, correct (by correcting the data in the EDC with a reason), comment, assign, cancel",
    );
    // No route is named correct: the message says how a correction is made.
    expect(refusal('answered', 'answer').message).toContain('allowed moves are: correct (by correcting the data in the EDC with a reason), comment, assign, close, reopen, cancel');
    for (const status of ['open', 'answered'] as const) expect(refusal(status, status === 'open' ? 'reopen' : 'answer').message).not.toMatch(/\bcorrect,/);
    expect(refusal('closed', 'answer').message).toBe("The query is closed: it cannot take 'answer'; from closed the allowed moves are: reopen");
    expect(refusal('cancelled', 'reopen').message).toBe("The query is cancelled: it cannot take 'reopen'; cancelled is final, no move is allowed");
    expect(refusal('answered', 'answer').message).toMatch(/^The query is answered: it cannot take 'answer'/);
  });

  it('lets sites answer and comment, and only data managers (and admins) assign, close, re-open and cancel', () => {
    for (const move of ['answer', 'correct', 'comment'] as const) expect(rolesFor(move)).toEqual(ACCESS.answerQueries);
    for (const move of ['assign', 'close', 'reopen', 'cancel'] as const) expect(rolesFor(move)).toEqual(ACCESS.manageQueries);
    expect(ACCESS.answerQueries).toContain('investigator');
    expect(ACCESS.manageQueries).not.toContain('investigator');
    for (const move of QUERY_MOVES) expect(rolesFor(move)).not.toContain('monitor');
  });
});
