import { Module } from '@nestjs/common';

/** Randomization: stratified permuted blocks, reproducible from the study's seed. */
@Module({})
export class RandomizationModule {}
