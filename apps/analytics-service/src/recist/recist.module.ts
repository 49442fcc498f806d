import { Module } from '@nestjs/common';

/** Objective response rates per arm on simulated RECIST responses. */
@Module({})
export class RecistModule {}
