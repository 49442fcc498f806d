import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { PlatformConfig } from '../../config/src/index.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { SessionDirectory } from './session-directory.js';

/** For a process without the database (the split-mode gateway): asks the security service. */
@Injectable()
export class RemoteSessionDirectory extends SessionDirectory {
  constructor(private readonly config: PlatformConfig) {
    super();
  }

  async find(_claims: unknown, token: string): Promise<AuthenticatedUser | undefined> {
    let response: Response;
    try {
      response = await fetch(new URL('/auth/validate', this.config.SECURITY_SERVICE_URL), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
        signal: AbortSignal.timeout(5_000),
      });
    } catch {
      throw new ServiceUnavailableException('The security service cannot be reached to check the token; try again shortly');
    }
    const body = (await response.json()) as { valid?: boolean; user?: AuthenticatedUser };
    return body.valid ? body.user : undefined;
  }
}
