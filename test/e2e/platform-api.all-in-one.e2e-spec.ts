import { describePlatformApi } from './platform-api.suite.js';

describePlatformApi('all-in-one');
