// Opening a file in the desktop's browser: `open` on macOS, `xdg-open` where a graphical session runs.
import {spawn} from 'node:child_process'

import {findOnPath} from './process.js'

export interface Opener {
  /** The command that opens a file in the desktop's browser, or undefined when there is none. */
  find(): Promise<string | undefined>
  open(command: string, file: string): Promise<void>
}

export function createBrowserOpener(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Opener {
  return {
    async find() {
      if (platform === 'darwin') return findOnPath('open', env.PATH)
      // Without a display, xdg-open falls back to a text browser in this terminal, or fails.
      if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined
      return findOnPath('xdg-open', env.PATH)
    },
    async open(command, file) {
      // Detached: the browser outlives cicd, and its output is not ours.
      const child = spawn(command, [file], {detached: true, stdio: 'ignore'})
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve)
        child.once('error', reject)
      })
      child.unref()
    },
  }
}
