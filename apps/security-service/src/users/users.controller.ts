import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, Roles } from '../../../../libs/auth/src/index.js';
import type { Page } from '../../../../libs/platform/src/index.js';
import { CreateUserDto, ListUsersQuery, ResetPasswordDto, UpdateUserDto } from './dto/user.dto.js';
import type { UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';

@Roles(ACCESS.manageUsers)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Body() body: CreateUserDto, @Actor() actor: AuditActor): Promise<UserResponse> {
    return this.users.create(body, actor);
  }

  @Get()
  list(@Query() query: ListUsersQuery): Promise<Page<UserResponse>> {
    return this.users.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto, @Actor() actor: AuditActor): Promise<UserResponse> {
    return this.users.update(id, body, actor);
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  deactivate(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: AuditActor): Promise<UserResponse> {
    return this.users.deactivate(id, actor);
  }

  @Post(':id/reset-password')
  @HttpCode(HttpStatus.NO_CONTENT)
  resetPassword(@Param('id', ParseUUIDPipe) id: string, @Body() body: ResetPasswordDto, @Actor() actor: AuditActor): Promise<void> {
    return this.users.resetPassword(id, body.password, actor);
  }

  @Post(':id/unlock')
  @HttpCode(HttpStatus.NO_CONTENT)
  unlock(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: AuditActor): Promise<void> {
    return this.users.unlock(id, actor);
  }
}
