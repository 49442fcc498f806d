import { Module } from '@nestjs/common';

/** Each study's rule library: defaults, edits through the API, YAML and JSON import, trying a rule on a sample. */
@Module({})
export class RulesModule {}
