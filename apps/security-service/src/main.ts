import 'reflect-metadata';
import { runService } from '../../../libs/platform/src/index.js';
import { SECURITY_SERVICE } from './security.module.js';

await runService(SECURITY_SERVICE);
