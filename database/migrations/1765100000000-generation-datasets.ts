import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The data-generation service's tables and its job queue (filled in by its feature commit). */
export class GenerationDatasets1765100000000 implements MigrationInterface {
  name = 'GenerationDatasets1765100000000';

  async up(_db: QueryRunner): Promise<void> {}

  async down(_db: QueryRunner): Promise<void> {}
}
