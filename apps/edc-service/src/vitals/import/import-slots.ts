import { Injectable, ServiceUnavailableException } from '@nestjs/common';

/** Imports one process runs at once: each holds a database connection while it writes. */
export const MAX_IMPORTS = 2;
/** Imports one user runs at once. */
export const MAX_IMPORTS_PER_USER = 1;

/**
 * Bounds concurrent CSV imports, so slow uploads can never take the connections every other
 * route needs. Beyond the bound an import is refused (503) before anything is read.
 */
@Injectable()
export class ImportSlots {
  private readonly byUser = new Map<string, number>();
  private running = 0;

  /** Takes a slot for `userId`; call the returned function once, when the import ends. */
  take(userId: string): () => void {
    const mine = this.byUser.get(userId) ?? 0;
    if (mine >= MAX_IMPORTS_PER_USER) {
      throw new ServiceUnavailableException(`Imports are busy: you already have ${mine} import running (at most ${MAX_IMPORTS_PER_USER} per user); nothing was read or stored. Send the file again when it has finished`);
    }
    if (this.running >= MAX_IMPORTS) {
      throw new ServiceUnavailableException(`Imports are busy: ${this.running} imports are running (at most ${MAX_IMPORTS} at once); nothing was read or stored. Send the file again shortly`);
    }
    this.running += 1;
    this.byUser.set(userId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const left = (this.byUser.get(userId) ?? 1) - 1;
      if (left > 0) this.byUser.set(userId, left);
      else this.byUser.delete(userId);
    };
  }
}
