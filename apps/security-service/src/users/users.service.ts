import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, AuditService, fieldChanges } from '../../../../libs/audit/src/index.js';
import { hashPassword, passwordProblem, userTag } from '../../../../libs/auth/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import type { Page } from '../../../../libs/platform/src/index.js';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto } from './dto/user.dto.js';
import { toUserResponse, USER_COLUMNS, type UserResponse, type UserRow } from './dto/user.response.js';

const UNIQUE_VIOLATION = '23505';

/** Every change here is audited in its own transaction, with the old and new value of each field. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cache: CacheService,
  ) {}

  async create(dto: CreateUserDto, actor: AuditActor): Promise<UserResponse> {
    requireAcceptablePassword(dto.password, dto.username);
    const passwordHash = await hashPassword(dto.password);
    try {
      return await this.dataSource.transaction(async (db) => {
        const [row] = (await db.query(
          `INSERT INTO users (username, password_hash, roles, site_ids, email, full_name)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
          [dto.username, passwordHash, dto.roles, dto.site_ids ?? [], dto.email ?? null, dto.full_name ?? null],
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
    if (id === actor.userId && (dto.active === false || (dto.roles && !dto.roles.includes('admin')))) {
      throw new BadRequestException('You cannot deactivate yourself or remove your own admin role; ask another admin');
    }
    const updated = await this.dataSource.transaction(async (db) => {
      const before = await this.find(db, id, true);
      // TypeORM answers UPDATE ... RETURNING with [rows, affectedCount].
      const [[row]] = (await db.query(
        `UPDATE users SET roles = $2, site_ids = $3, email = $4, full_name = $5, active = $6, updated_at = now()
          WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [
          id,
          dto.roles ?? before.roles,
          dto.site_ids ?? before.site_ids,
          dto.email ?? before.email,
          dto.full_name ?? before.full_name,
          dto.active ?? before.active,
        ],
      )) as [UserRow[], number];
      const changes = fieldChanges(auditable(before), auditable(row));
      if (Object.keys(changes).length > 0) {
        const action = dto.active === false && before.active ? 'deactivate' : 'update';
        await this.audit.record(db, actor, [{ action, entityType: 'user', entityId: id, changes }]);
        if (dto.active === false) await this.revokeSessions(db, id, 'user_deactivated');
      }
      return row;
    });
    await this.cache.invalidateTags([userTag(id)]);
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
    });
    await this.cache.invalidateTags([userTag(id)]);
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

function requireAcceptablePassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new BadRequestException({ message: problem, details: [{ field: 'password', problems: [problem] }] });
}

function auditable(row: UserRow): Record<string, unknown> {
  return { username: row.username, email: row.email, full_name: row.full_name, roles: row.roles, site_ids: row.site_ids, active: row.active };
}
