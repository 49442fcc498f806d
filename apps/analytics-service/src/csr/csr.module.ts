import { Module } from '@nestjs/common';

/** The clinical study report: generated, stored as versions, served as JSON, HTML and Markdown. */
@Module({})
export class CsrModule {}
