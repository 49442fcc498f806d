import { Injectable, NotFoundException } from '@nestjs/common';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import type { RunFindingPage, RunPage, RunResponse } from './dto/check-responses.js';
import type { FindingsQuery, RunsQuery } from './dto/check-requests.dto.js';
import { RunsRepository } from './runs.repository.js';

/**
 * Stored runs and their findings. A site-limited reader sees only runs that read none but their
 * sites (site_ids): a run over the whole study, or over another site or another site's subject,
 * answers 404 like a missing one. Of a run they see, they see their sites' findings.
 */
@Injectable()
export class RunsService {
  constructor(private readonly runs: RunsRepository) {}

  async list(query: RunsQuery, user: AuthenticatedUser): Promise<RunPage> {
    const { rows, total } = await this.runs.list(query.study ?? null, sitesOf(user), query.limit, query.offset);
    return { data: rows, page: { limit: query.limit, offset: query.offset, total } };
  }

  async get(id: string, user: AuthenticatedUser): Promise<RunResponse> {
    const run = await this.runs.find(id, sitesOf(user));
    if (!run) throw new NotFoundException(`No run ${id}${isSiteLimited(user) ? ' at sites you may see' : ''}`);
    return run;
  }

  async findings(id: string, query: FindingsQuery, user: AuthenticatedUser): Promise<RunFindingPage> {
    await this.get(id, user);
    const { rows, total } = await this.runs.findings(
      id,
      { rule: query.rule ?? null, severity: query.severity ?? null, siteIds: sitesOf(user) },
      query.limit,
      query.offset,
    );
    return { data: rows, page: { limit: query.limit, offset: query.offset, total } };
  }
}

function sitesOf(user: AuthenticatedUser): string[] | null {
  return isSiteLimited(user) ? user.siteIds : null;
}
