import { ACCESS, type Role } from '../../../../libs/auth/src/index.js';
import { QUERY_STATUSES } from '../../../../database/migrations/1765200000000-quality-checks.js';

export type QueryStatus = (typeof QUERY_STATUSES)[number];

/** What can be done to an existing query. Opening one is not a move: it has no status before. */
export const QUERY_MOVES = ['answer', 'correct', 'comment', 'assign', 'close', 'reopen', 'cancel'] as const;
export type QueryMove = (typeof QUERY_MOVES)[number];

/** The kind of the thread message each move writes (quality_query_messages.kind). */
export type MessageKind = 'opened' | 'answer' | 'correction' | 'comment' | 'close' | 'reopen' | 'cancel' | 'assign';

/** The timestamps a move stamps with its time, or clears. */
export type QueryTimestamp = 'answered_at' | 'closed_at' | 'cancelled_at';

interface MoveRule {
  from: readonly QueryStatus[];
  /** The status after the move; absent: the status stays as it is. */
  to?: QueryStatus;
  kind: MessageKind;
  roles: readonly Role[];
  stamps?: readonly QueryTimestamp[];
  clears?: readonly QueryTimestamp[];
}

/**
 * The query lifecycle: open → answered (the site responds, or the data is corrected with a reason)
 * → closed (a data manager); an answered or closed query can be re-opened (open again), an open or
 * answered one cancelled. Comments and assignment belong to an unresolved (open or answered) query;
 * a closed one is re-opened first, a cancelled one is final.
 */
const MOVES: Record<QueryMove, MoveRule> = {
  answer: { from: ['open'], to: 'answered', kind: 'answer', roles: ACCESS.answerQueries, stamps: ['answered_at'] },
  correct: { from: ['open', 'answered'], to: 'answered', kind: 'correction', roles: ACCESS.answerQueries, stamps: ['answered_at'] },
  comment: { from: ['open', 'answered'], kind: 'comment', roles: ACCESS.answerQueries },
  assign: { from: ['open', 'answered'], kind: 'assign', roles: ACCESS.manageQueries },
  close: { from: ['answered'], to: 'closed', kind: 'close', roles: ACCESS.manageQueries, stamps: ['closed_at'] },
  // The timestamps describe the current round: the earlier answers and close stay in the thread.
  reopen: { from: ['answered', 'closed'], to: 'open', kind: 'reopen', roles: ACCESS.manageQueries, clears: ['answered_at', 'closed_at'] },
  cancel: { from: ['open', 'answered'], to: 'cancelled', kind: 'cancel', roles: ACCESS.manageQueries, stamps: ['cancelled_at'] },
};

/** Who may open a query by hand. */
export const OPEN_QUERY_ROLES: readonly Role[] = ACCESS.manageQueries;

/** The roles that may make a move (the route's @Roles). */
export const rolesFor = (move: QueryMove): readonly Role[] => MOVES[move].roles;

/** The moves a query in `status` allows, in the order of QUERY_MOVES. */
export function movesFrom(status: QueryStatus): QueryMove[] {
  return QUERY_MOVES.filter((move) => MOVES[move].from.includes(status));
}

/** What a move does to a query's row: the new status and counts, the timestamps to stamp or clear. */
export interface QueryChange {
  status: QueryStatus;
  reopenedCount: number;
  kind: MessageKind;
  stamps: QueryTimestamp[];
  clears: QueryTimestamp[];
}

/**
 * How a client makes each move, where it is not the route of the same name: no `/correct` route
 * exists, a correction is made to the data in the EDC (with a reason), which moves the query.
 */
const HOW_TO_MOVE: Partial<Record<QueryMove, string>> = {
  correct: 'correct (by correcting the data in the EDC with a reason)',
};

export class QueryMoveRefused extends Error {
  constructor(
    readonly status: QueryStatus,
    readonly move: QueryMove,
    readonly allowed: QueryMove[],
  ) {
    super(
      `The query is ${status}: it cannot take '${move}'; ` +
        (allowed.length === 0
          ? `${status} is final, no move is allowed`
          : `from ${status} the allowed moves are: ${allowed.map((name) => HOW_TO_MOVE[name] ?? name).join(', ')}`),
    );
  }
}

/** The change `move` makes to a query in this state; throws QueryMoveRefused when the status does not allow it. */
export function applyMove(query: { status: QueryStatus; reopenedCount: number }, move: QueryMove): QueryChange {
  const rule = MOVES[move];
  if (!rule.from.includes(query.status)) throw new QueryMoveRefused(query.status, move, movesFrom(query.status));
  return {
    status: rule.to ?? query.status,
    reopenedCount: query.reopenedCount + (move === 'reopen' ? 1 : 0),
    kind: rule.kind,
    stamps: [...(rule.stamps ?? [])],
    clears: [...(rule.clears ?? [])],
  };
}
