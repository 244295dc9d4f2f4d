// Hand-over between test/real-cluster/vscode-hostile.test.ts (owns the cluster, code-server and the Chromium page) and the
// extension-host suite hostile-cluster.ts (drives VS Code commands). They talk through small files in `dir`: the suite
// announces a step (the view or report is on screen), the cluster test checks the real DOM of every frame and acks.
import * as path from 'node:path';

export const HOSTILE_NAMESPACE = 'hostile';
/** The pods the cluster test creates and the suite diagnoses, in order (steps `diagnose-0`, `diagnose-1`, ...). */
export const HOSTILE_PODS = ['hostile-preempted', 'hostile-evicted', 'hostile-tainted'] as const;

export interface HostileSetup {
  kubeconfig: string;
  context: string;
  dir: string;
}

/** Written by the cluster test once the hostile objects exist. */
export interface HostileStory {
  /** Per diagnosed pod (`namespace/name`): hostile strings that must appear literally in its rendered report. */
  reports: { target: string; literals: string[] }[];
  /** Hostile event messages that must appear literally in the live view. */
  liveMessages: string[];
}

export interface HostileStep {
  name: string;
  kind: 'live' | 'diagnose';
  target?: string;
}

export interface HostileAck {
  ok: boolean;
  error?: string;
}

export function hostileFiles(dir: string): {
  connected: string;
  story: string;
  step: (name: string) => string;
  ack: (name: string) => string;
} {
  return {
    connected: path.join(dir, 'connected'),
    story: path.join(dir, 'story.json'),
    step: (name) => path.join(dir, `step-${name}.json`),
    ack: (name) => path.join(dir, `ack-${name}.json`),
  };
}
