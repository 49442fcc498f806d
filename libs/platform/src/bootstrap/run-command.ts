import { type INestApplicationContext, Module, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigurationError, loadPlatformConfig, type PlatformConfig } from '../../../config/src/index.js';
import { createRootLogger, platformLogger } from '../logging/logging.js';
import { PlatformModule } from '../platform.module.js';

/**
 * An operator's one-off command (`npm run admin:...`): the same configuration, database, cache and
 * audit trail as the platform, without HTTP. Prints what `work` returns, exits 0; on failure prints
 * the reason and exits 1. Logs below warnings stay quiet so the answer is readable.
 */
export async function runPlatformCommand(
  name: string,
  providers: Provider[],
  work: (context: INestApplicationContext, config: PlatformConfig) => Promise<string>,
): Promise<never> {
  let context: INestApplicationContext | undefined;
  try {
    const config = loadPlatformConfig(process.env, { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
    const logger = await createRootLogger(config, name);
    @Module({ imports: [PlatformModule.forRoot(config, name, { database: true, logger })], providers })
    class CommandModule {}
    context = await NestFactory.createApplicationContext(CommandModule, { logger: platformLogger(logger), abortOnError: false });
    const answer = await work(context, config);
    await context.close();
    console.log(answer);
    process.exit(0);
  } catch (error) {
    console.error(error instanceof ConfigurationError ? error.message : `${name} failed: ${(error as Error).message}`);
    await context?.close().catch(() => undefined);
    process.exit(1);
  }
}
