import { Module } from '@nestjs/common';
import { LoginThrottleService } from '../auth/login-throttle.service.js';
import { FirstAdminService } from './first-admin.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController],
  providers: [UsersService, FirstAdminService, LoginThrottleService],
  exports: [UsersService, LoginThrottleService],
})
export class UsersModule {}
