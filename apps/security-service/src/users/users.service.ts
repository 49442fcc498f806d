import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, AuditService, fieldChanges } from '../../../../libs/audit/src/index.js';
import { hashPassword, passwordProblem, userTag } from '../../../../libs/auth/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import type { Page } from '../../../../libs/platform/src/index.js';
import { LoginThrottleService } from '../auth/login-throttle.service.js';
import type { CreateUserDto, ListUsersQuery, SiteChoice, UpdateUserDto } from './dto/user.dto.js';
import { toUserResponse, USER_COLUMNS, type UserResponse, type UserRow } from './dto/user.response.js';

const UNIQUE_VIOLATION = '23505';

/** Every change here is audited in its own transaction, with the old and new value of each field. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cache: CacheService,
    private readonly throttle: LoginThrottleService,
  ) {}

  async create(dto: CreateUserDto, actor: AuditActor): Promise<UserResponse> {
    const siteIds = chosenSites(dto);
    requireAcceptablePassword(dto.password, dto.username);
    const passwordHash = await hashPassword(dto.password);
    try {
      return await this.dataSource.transaction(async (db) => {
        const [row] = (await db.query(
          `INSERT INTO users (username, password_hash, roles, site_ids, email, full_name)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
          [dto.username, passwordHash, dto.roles, siteIds, dto.email ?? null, dto.full_name ?? null],
        )) as UserRow[];
        await this.audit.record(db, actor, [
          { action: 'create', entityType: 'user', entityId: row.id, changes: fieldChanges(null, { ...auditable(row), password: 'set' }, ['password']) },
        ]);
        return toUserResponse(row);
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) {
        throw new ConflictException(`A user named ${dto.username} already exists`);
      }
      throw error;
    }
  }

  async list(query: ListUsersQuery): Promise<Page<UserResponse>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.role) where.push(`$${params.push(query.role)} = ANY (roles)`);
    if (query.active) where.push(`active = $${params.push(query.active === 'true')}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${USER_COLUMNS} FROM users ${filter} ORDER BY lower(username) LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, query.limit, query.offset],
      ) as Promise<UserRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM users ${filter}`, params) as Promise<Array<{ total: number }>>,
    ]);
    return { data: rows.map(toUserResponse), page: { limit: query.limit, offset: query.offset, total } };
  }

  async get(id: string): Promise<UserResponse> {
    return toUserResponse(await this.find(this.dataSource.manager, id));
  }

  async update(id: string, dto: UpdateUserDto, actor: AuditActor): Promise<UserResponse> {
    if (id === actor.userId && removesAdmin(dto)) {
      throw new BadRequestException('You cannot deactivate yourself or remove your own admin role; ask another admin');
    }
    const updated = await this.dataSource.transaction(async (db) => {
      // A change that may remove an admin first locks every active admin, in id order, then the user:
      // two admins removing each other at once take turns, and the second sees the first's change.
      const otherAdmins = removesAdmin(dto) ? (await this.lockActiveAdmins(db)).filter((admin) => admin !== id) : undefined;
      const before = await this.find(db, id, true);
      const after = { roles: dto.roles ?? before.roles, active: dto.active ?? before.active };
      if (otherAdmins?.length === 0 && isActiveAdmin(before) && !isActiveAdmin(after)) {
        throw new ConflictException(
          `${before.username} is the last active admin: make another user admin before removing their admin role or deactivating them`,
        );
      }
      // TypeORM answers UPDATE ... RETURNING with [rows, affectedCount].
      const [[row]] = (await db.query(
        `UPDATE users SET roles = $2, site_ids = $3, email = $4, full_name = $5, active = $6, updated_at = now()
          WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [
          id,
          after.roles,
          chosenSites(dto, before.site_ids),
          dto.email ?? before.email,
          dto.full_name ?? before.full_name,
          after.active,
        ],
      )) as [UserRow[], number];
      const changes = fieldChanges(auditable(before), auditable(row));
      if (Object.keys(changes).length > 0) {
        const action = dto.active === false && before.active ? 'deactivate' : 'update';
        await this.audit.record(db, actor, [{ action, entityType: 'user', entityId: id, changes }]);
        if (dto.active === false) await this.revokeSessions(db, id, 'user_deactivated');
      }
      await this.cache.recordInvalidation(db, [userTag(id)]);
      return row;
    });
    await this.cache.invalidateTags([userTag(id)], { recordedInTransaction: true });
    return toUserResponse(updated);
  }

  deactivate(id: string, actor: AuditActor): Promise<UserResponse> {
    return this.update(id, { active: false }, actor);
  }

  async resetPassword(id: string, password: string, actor: AuditActor): Promise<void> {
    const user = await this.find(this.dataSource.manager, id);
    requireAcceptablePassword(password, user.username);
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (db) => {
      await db.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, passwordHash]);
      await this.revokeSessions(db, id, 'password_reset');
      await this.audit.record(db, actor, [
        { action: 'reset_password', entityType: 'user', entityId: id, changes: fieldChanges({ password: 'old' }, { password: 'new' }, ['password']) },
      ]);
      await this.cache.recordInvalidation(db, [userTag(id)]);
    });
    await this.cache.invalidateTags([userTag(id)], { recordedInTransaction: true });
  }

  /** Forgets the account's failed sign-in attempts, so a locked-out user can sign in again at once. */
  async unlock(id: string, actor: AuditActor): Promise<void> {
    const username = await this.dataSource.transaction(async (db) => {
      const user = await this.find(db, id);
      const attempts = await this.throttle.attempts(user.username);
      await this.audit.record(db, actor, [
        { action: 'unlock', entityType: 'user', entityId: id, changes: { sign_in_attempts: { old: attempts, new: 0 } } },
      ]);
      return user.username;
    });
    // Only once the unlock is on record.
    await this.throttle.unlock(username);
  }

  /** Locks every active admin's row, in id order, and returns their ids. */
  private async lockActiveAdmins(db: EntityManager): Promise<string[]> {
    const rows = (await db.query(`SELECT id FROM users WHERE active AND 'admin' = ANY (roles) ORDER BY id FOR UPDATE`)) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  private async find(db: EntityManager, id: string, forUpdate = false): Promise<UserRow> {
    const [row] = (await db.query(
      `SELECT ${USER_COLUMNS} FROM users WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [id],
    )) as UserRow[];
    if (!row) throw new NotFoundException(`No user ${id}`);
    return row;
  }

  private async revokeSessions(db: EntityManager, userId: string, reason: string): Promise<void> {
    await db.query(
      'UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL',
      [userId, reason],
    );
  }
}

const SITES_NEEDED =
  'Name the sites the user may see in site_ids (e.g. ["S01"]), or send all_sites: true for a user who sees every site';

/**
 * The sites a user is limited to (none stored: every site). Seeing every site is never a default:
 * a new user needs site_ids or all_sites: true, and an empty site_ids is not taken for "every site".
 */
function chosenSites(dto: SiteChoice, current?: string[]): string[] {
  const refuse = (problem: string): never => {
    throw new BadRequestException({ message: problem, details: [{ field: 'site_ids', problems: [problem] }] });
  };
  if (dto.all_sites === true) {
    return dto.site_ids?.length ? refuse('Send either site_ids or all_sites: true, not both') : [];
  }
  if (dto.site_ids !== undefined) return dto.site_ids.length > 0 ? dto.site_ids : refuse(SITES_NEEDED);
  if (current === undefined || (dto.all_sites === false && current.length === 0)) return refuse(SITES_NEEDED);
  return current;
}

function removesAdmin(dto: UpdateUserDto): boolean {
  return dto.active === false || (dto.roles !== undefined && !dto.roles.includes('admin'));
}

function isActiveAdmin(user: { roles: string[]; active: boolean }): boolean {
  return user.active && user.roles.includes('admin');
}

function requireAcceptablePassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new BadRequestException({ message: problem, details: [{ field: 'password', problems: [problem] }] });
}

function auditable(row: UserRow): Record<string, unknown> {
  return { username: row.username, email: row.email, full_name: row.full_name, roles: row.roles, site_ids: row.site_ids, active: row.active };
}
