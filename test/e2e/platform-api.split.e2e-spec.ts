import { describePlatformApi } from './platform-api.suite.js';

describePlatformApi('split');
