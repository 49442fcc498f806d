import 'reflect-metadata';
import { runPlatform } from '../../../libs/platform/src/index.js';
import { gatewayAppSpec } from './gateway-app.js';

await runPlatform(gatewayAppSpec);
