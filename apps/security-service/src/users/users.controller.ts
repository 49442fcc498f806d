import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { CreateUserDto, ListUsersQuery, ResetPasswordDto, UpdateUserDto } from './dto/user.dto.js';
import { UserPage, UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';

const NO_SUCH_USER = 'No user with this id';
const LAST_ADMIN = 'The user is the last active admin: make another user admin first';

@ApiFeature('users')
@Roles(ACCESS.manageUsers)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user with roles and sites (site_ids, or all_sites: true)' })
  @ApiBody({
    type: CreateUserDto,
    examples: {
      'site nurse': {
        summary: 'an investigator limited to site S01',
        value: { username: 'site1.nurse', password: 'a-long-passphrase-2026', roles: ['investigator'], site_ids: ['S01'] },
      },
    },
  })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiError(HttpStatus.CONFLICT, 'A user with this username already exists')
  create(@Body() body: CreateUserDto, @Actor() actor: AuditActor): Promise<UserResponse> {
    return this.users.create(body, actor);
  }

  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'Users, optionally by role and whether active' })
  @ApiOkResponse({ type: UserPage })
  list(@Query() query: ListUsersQuery): Promise<UserPage> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getUser', summary: 'One user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiError(HttpStatus.NOT_FOUND, NO_SUCH_USER)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateUser', summary: 'Change roles, sites, e-mail, name or active (ends the user\'s sessions)' })
  @ApiOkResponse({ type: UserResponse })
  @ApiError(HttpStatus.NOT_FOUND, NO_SUCH_USER)
  @ApiError(HttpStatus.CONFLICT, LAST_ADMIN)
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto, @Actor() actor: AuditActor): Promise<UserResponse> {
    return this.users.update(id, body, actor);
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'deactivateUser', summary: 'Deactivate a user and end their sessions' })
  @ApiOkResponse({ type: UserResponse })
  @ApiError(HttpStatus.NOT_FOUND, NO_SUCH_USER)
  @ApiError(HttpStatus.CONFLICT, LAST_ADMIN)
  deactivate(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: AuditActor): Promise<UserResponse> {
    return this.users.deactivate(id, actor);
  }

  @Post(':id/reset-password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'resetUserPassword', summary: "Set a user's password and end their sessions" })
  @ApiNoContentResponse({ description: 'the password is set' })
  @ApiError(HttpStatus.NOT_FOUND, NO_SUCH_USER)
  resetPassword(@Param('id', ParseUUIDPipe) id: string, @Body() body: ResetPasswordDto, @Actor() actor: AuditActor): Promise<void> {
    return this.users.resetPassword(id, body.password, actor);
  }

  @Post(':id/unlock')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'unlockUser', summary: "Forget the account's failed sign-ins, so a locked-out user signs in at once" })
  @ApiNoContentResponse({ description: 'unlocked' })
  @ApiError(HttpStatus.NOT_FOUND, NO_SUCH_USER)
  unlock(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: AuditActor): Promise<void> {
    return this.users.unlock(id, actor);
  }
}
