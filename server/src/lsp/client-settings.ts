// The settings as the client gives them: pulled with workspace/configuration when the client supports it, otherwise
// the ones it pushed (initializationOptions, didChangeConfiguration); read leniently by settings.ts.
import type { LensSettings } from '../protocol/index';
import type { Peer } from './peer';
import { describe } from './safe';
import { excludeGlobs, readSettings, settingsSection } from './settings';

export class ClientSettings {
  /** The pushed `kubePriorityLens` section and `files.exclude` (for clients without workspace/configuration). */
  private lens: unknown = undefined;
  private filesExclude: unknown = undefined;

  constructor(private readonly peer: Peer) {}

  /** The `kubePriorityLens` section of initializationOptions. */
  pushSection(section: unknown): void {
    this.lens = section;
  }

  /** The `settings` of a didChangeConfiguration notification. */
  push(settings: unknown): void {
    const s = (settings ?? {}) as Record<string, unknown>;
    if (s[settingsSection] !== undefined) this.lens = s[settingsSection];
    const files = s['files'] as Record<string, unknown> | undefined;
    if (files?.['exclude'] !== undefined) this.filesExclude = files['exclude'];
  }

  /** The settings and exclude globs now: asked with workspace/configuration when `pull`, else the pushed ones. */
  async read(pull: boolean): Promise<{ settings: LensSettings; excludes: string[] }> {
    let raw: unknown = this.lens;
    let filesExclude: unknown = this.filesExclude;
    if (pull) {
      try {
        const [lens, files] = await this.peer.configuration([{ section: settingsSection }, { section: 'files.exclude' }]);
        raw = lens;
        filesExclude = files;
      } catch (error) {
        this.peer.log.warn(`workspace/configuration failed, using defaults: ${describe(error)}`);
      }
    }
    const settings = readSettings(raw, (m) => this.peer.log.warn(m));
    return { settings, excludes: excludeGlobs(filesExclude, settings) };
  }
}
